#include "last_outputs.hpp"

#include "process/tree_evidence.hpp"

namespace lambda_emu {

void LastOutputs::started(const std::string& source, pid_t pid)
{
    entries_[source] = Entry{pid, std::nullopt, {}};
}

void LastOutputs::line(std::string_view source, std::string_view text)
{
    const auto found = entries_.find(source);
    if (found == entries_.end()) return;
    auto& entry = found->second;
    const core::SteadyTime now = clock_.now();
    std::optional<double> cpu_ms;
    if (time_cpu_ && entry.pid != 0) {
        if (entry.last && entry.last->cpu_ms && now - entry.cpu_read_at < kCpuReadingEvery) {
            cpu_ms = entry.last->cpu_ms;
        } else if (double read = 0; process::tree_cpu_ms(entry.pid, read)) {
            cpu_ms = read;
            entry.cpu_read_at = now;
        }
    }
    if (!entry.last) entry.last.emplace();
    entry.last->at = now;
    entry.last->text.assign(text.substr(0, core::kMaxLastOutput)); // reuses the string's room
    entry.last->cpu_ms = cpu_ms;
}

std::optional<core::OutputLine> LastOutputs::last(const std::string& source) const
{
    const auto found = entries_.find(source);
    if (found == entries_.end()) return std::nullopt;
    return found->second.last;
}

} // namespace lambda_emu
