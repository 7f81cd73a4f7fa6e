#include "freezer.hpp"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace {

// The process `entry` names (pid and start time) is still there and alive.
bool still_the_same(const ProcessEntry& entry)
{
    ProcessEntry now;
    return read_process_entry(entry.pid, now) && now.start_time == entry.start_time && now.live();
}

// Whether the main thread of `pid` blocks `signal` (SigBlk of /proc/PID/status, the leader's).
bool main_thread_blocks(pid_t pid, int signal)
{
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    const std::string status = read_proc_file(path.c_str());
    const auto at = status.find("SigBlk:");
    if (at == std::string::npos) return false;
    const unsigned long long blocked = std::strtoull(status.c_str() + at + std::strlen("SigBlk:"), nullptr, 16);
    return (blocked >> (signal - 1)) & 1ULL;
}

} // namespace

void signal_after_thaw(pid_t pid, int signal)
{
    if (main_thread_blocks(pid, signal) || ::syscall(SYS_tgkill, pid, pid, signal) != 0) ::kill(pid, signal);
}

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
