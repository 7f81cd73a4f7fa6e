#include "last_outputs.hpp"

#include "process/tree_evidence.hpp"

#include <boost/asio/post.hpp>

namespace lambda_emu {

void LastOutputs::started(const core::ProcessIdentity& who, pid_t pid)
{
    entries_[who] = Entry{pid, std::nullopt, false, {}};
}

void LastOutputs::line(const core::ProcessIdentity& who, std::string_view text)
{
    const auto found = entries_.find(who);
    if (found == entries_.end()) return;
    auto& entry = found->second;
    if (!entry.last) entry.last.emplace();
    entry.last->text.assign(text.substr(0, core::kMaxLastOutput)); // reuses the string's room
    entry.unstamped = true;
    stamp_when_the_turn_ends();
}

void LastOutputs::stamp_when_the_turn_ends()
{
    if (stamp_posted_) return;
    stamp_posted_ = true;
    boost::asio::post(io_, [self = shared_from_this()] {
        self->stamp_posted_ = false;
        self->stamp();
    });
}

void LastOutputs::stamp()
{
    const core::SteadyTime now = clock_.now();
    for (auto& [who, entry] : entries_) {
        if (!entry.unstamped) continue;
        entry.unstamped = false;
        entry.last->at = now;
        if (!time_cpu_ || entry.pid == 0) {
            entry.last->cpu_ms.reset();
        } else if (!entry.last->cpu_ms || now - entry.cpu_read_at >= kCpuReadingEvery) {
            entry.last->cpu_ms.reset();
            if (double read = 0; process::tree_cpu_ms(entry.pid, read)) {
                entry.last->cpu_ms = read;
                entry.cpu_read_at = now;
            }
        }
    }
}

std::optional<core::OutputLine> LastOutputs::last(const core::ProcessIdentity& who)
{
    stamp();
    const auto found = entries_.find(who);
    if (found == entries_.end()) return std::nullopt;
    return found->second.last;
}

} // namespace lambda_emu
