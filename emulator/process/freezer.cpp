#include "freezer.hpp"

#include <csignal>

namespace lambda_emu::process {

namespace {

// The process `entry` names (pid and start time) is still there and alive.
bool still_the_same(const ProcessEntry& entry)
{
    ProcessEntry now;
    return read_process_entry(entry.pid, now) && now.start_time == entry.start_time && now.live();
}

} // namespace

void Freezer::freeze(std::vector<pid_t> groups, std::vector<ProcessEntry> strays)
{
    if (state_ == State::Frozen) return;
    state_ = State::Frozen;
    groups_ = std::move(groups);
    strays_.clear();
    // A group that is gone answers ESRCH: nothing to stop.
    for (const pid_t group : groups_) ::kill(-group, SIGSTOP);
    for (auto& stray : strays) {
        if (still_the_same(stray) && ::kill(stray.pid, SIGSTOP) == 0) strays_.push_back(std::move(stray));
    }
}

void Freezer::thaw()
{
    if (state_ == State::Thawed) return;
    state_ = State::Thawed;
    for (const pid_t group : groups_) ::kill(-group, SIGCONT);
    // A stopped process cannot exit but may be killed; its pid must not wake a stranger.
    for (const auto& stray : strays_) {
        if (still_the_same(stray)) ::kill(stray.pid, SIGCONT);
    }
    groups_.clear();
    strays_.clear();
}

} // namespace lambda_emu::process
