#pragma once
// Lambda's freeze between invocations (docs/lambda-rules.md §4.5) done to real processes: SIGSTOP to the
// process groups of the runtime and the extensions, and to each process of theirs that left its
// group (setsid), so that nothing they started runs while the environment is idle; SIGCONT to
// the same on thaw.
//
// Why signals and not the cgroup v2 freezer: a freezer needs a cgroup of the environment's own
// that every child enters before it can fork (clone3 with CLONE_INTO_CGROUP, or a write from the
// child before exec), a writable cgroup2 mount (absent in many CI containers, v1-only on hybrid
// hosts) and its removal afterwards; SIGSTOP works everywhere the emulator runs, costs one
// kill(2) per group, and the emulator already knows every process of the environment (its
// process groups, and the descendant tracker for those that left them). A stop is not an exit:
// the ChildReaper waits without WUNTRACED, so a stopped child is never taken for a dead one.
#include "process_table.hpp"

#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

class Freezer {
public:
    enum class State { Thawed, Frozen };
    // How the report names the method.
    static constexpr const char* kMethod = "sigstop";

    // `groups`: process group ids; `strays`: processes (pid and start time) outside them. Only a
    // stray that is still the same process (same start time) is stopped.
    void freeze(std::vector<pid_t> groups, std::vector<ProcessEntry> strays);
    // SIGCONT to what freeze() stopped; nothing when thawed.
    void thaw();
    State state() const { return state_; }

private:
    State state_ = State::Thawed;
    std::vector<pid_t> groups_;
    std::vector<ProcessEntry> strays_;
};

// SIGTERM (or another catchable signal) to a process that may just have been thawed, delivered
// as the kernel delivers it to a running one. Sent to the process as a whole, it would be taken by
// whichever of its threads first leaves the stop, not by the main thread that the kernel prefers
// (and that Python, for one, needs: its handlers run on the main thread, which would sleep on in
// its read of /next). So it goes to the main thread unless that thread blocks it, else to the
// process. Reads /proc/PID/status once: for the Shutdown phase, not for every invocation.
void signal_after_thaw(pid_t pid, int signal);

} // namespace lambda_emu::process
