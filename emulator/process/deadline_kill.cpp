#include "deadline_kill.hpp"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace lambda_emu::process {

DeadlineKill::DeadlineKill(pid_t group, Clock::time_point deadline)
    : group_{group}, calling_off_{::eventfd(0, EFD_CLOEXEC)}
{
    // Without an eventfd (no descriptor left) nothing could call it off: the loop's own timer kills.
    if (!calling_off_) return;
    const int off = calling_off_.get();
    // The thread writes sent_at_ before it ends; the loop reads it only after join(), which
    // orders the two.
    thread_ = std::thread{[this, group, deadline, off] {
        // The emulator's signal handling (SIGTERM, SIGINT, SIGCHLD) stays on the loop's thread.
        sigset_t all;
        sigfillset(&all);
        ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
        // Woken on time, not up to the default 50 us late, and run at once rather than behind
        // whatever keeps the machine's cores busy (the function's own flood of output, say): a
        // real-time priority where the emulator may take one (root), for a thread that sleeps
        // until its one system call. Elsewhere the kernel's ordinary scheduling has to do.
        ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
        const sched_param lowest_real_time{::sched_get_priority_min(SCHED_FIFO)};
        ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &lowest_real_time);
        for (;;) {
            const auto left = deadline - Clock::now();
            if (left <= Clock::duration::zero()) break;
            const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
            const timespec timeout{static_cast<time_t>(seconds.count()),
                                   static_cast<long>(std::chrono::nanoseconds{left - seconds}.count())};
            pollfd wait{off, POLLIN, 0};
            const int ready = ::ppoll(&wait, 1, &timeout, nullptr);
            if (ready > 0) return; // called off
            if (ready < 0 && errno != EINTR) break;
        }
        // The time the signal is sent, read before sending it (a dying process may take the CPU).
        sent_at_ = Clock::now();
        ::kill(-group, SIGKILL);
    }};
}

DeadlineKill::~DeadlineKill()
{
    call_off();
}

std::optional<DeadlineKill::Clock::time_point> DeadlineKill::call_off()
{
    if (thread_.joinable()) {
        const std::uint64_t one = 1;
        // An eventfd write fails only on overflow, when the thread is told already.
        [[maybe_unused]] const auto told = ::write(calling_off_.get(), &one, sizeof one);
        thread_.join();
    }
    return sent_at_;
}

} // namespace lambda_emu::process
