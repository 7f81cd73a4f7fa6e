#pragma once
// A SIGKILL sent at its deadline to the microsecond, whatever the event loop is doing. The
// Shutdown phase's deadlines are the emulator's verdicts: a kill that waits behind a Telemetry
// delivery, a burst of log lines or a read of /proc lands late and makes a cleanup look faster
// than Lambda allows. So each deadline gets a thread of its own that only sleeps until the
// deadline (or until it is called off) and then signals: it touches nothing the loop owns. What it
// needs (the process group, the time) is given at its start and never changes; what it reports
// (when it signalled) is read by the loop after joining it. No lock is shared.
#include "owned_fd.hpp"

#include <chrono>
#include <optional>
#include <sys/types.h>
#include <thread>

namespace lambda_emu::process {

class DeadlineKill {
public:
    using Clock = std::chrono::steady_clock; // CLOCK_MONOTONIC, as the core's clock
    // SIGKILL to the process group `group` at `deadline`, unless called off first.
    DeadlineKill(pid_t group, Clock::time_point deadline);
    // Calls it off (joins the thread).
    ~DeadlineKill();
    DeadlineKill(const DeadlineKill&) = delete;
    DeadlineKill& operator=(const DeadlineKill&) = delete;

    // Calls it off if it has not fired yet; returns when it signalled, if it did.
    std::optional<Clock::time_point> call_off();
    pid_t group() const { return group_; }

private:
    pid_t group_;
    OwnedFd calling_off_; // an eventfd: written to call the kill off
    std::optional<Clock::time_point> sent_at_;
    std::thread thread_;
};

} // namespace lambda_emu::process
