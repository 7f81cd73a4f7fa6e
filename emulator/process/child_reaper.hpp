#pragma once
// The supervisor's half of process handling, as tini does it: the emulator is a child
// subreaper, so what a runtime leaves behind is reparented to it, and one SIGCHLD handler reaps
// every child. Exits of the processes we watch are reported; orphans are reaped silently, so
// no zombie outlives a test. It also keeps track of whose descendant each of them is.
#include "core/exit_status.hpp"
#include "descendant_tracker.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <string>
#include <sys/types.h>
#include <unordered_map>

namespace lambda_emu::process {

class ChildReaper {
public:
    using ExitCallback = std::function<void(core::ExitStatus)>;

    // Makes the emulator a child subreaper (before it starts any child): empty when it became
    // one, else why not, in one line for the console. A step of its own, as in tini's main.
    static std::string become_subreaper();

    explicit ChildReaper(boost::asio::io_context& io);
    // The emulator is exiting: kills every process that still descends from it and reaps them,
    // so none outlives it and no zombie is left to init.
    ~ChildReaper();
    ChildReaper(const ChildReaper&) = delete;
    ChildReaper& operator=(const ChildReaper&) = delete;

    // Reports the exit of `pid` once, on the event loop. Call right after spawning, before
    // returning to the loop: until then no SIGCHLD handler can run and reap it as an orphan.
    void watch(pid_t pid, ExitCallback on_exit);
    void forget(pid_t pid) { watched_.erase(pid); }

    DescendantTracker& descendants() { return descendants_; }

private:
    void wait_for_signal();
    void reap_all();

    boost::asio::signal_set sigchld_;
    std::unordered_map<pid_t, ExitCallback> watched_;
    DescendantTracker descendants_;
};

} // namespace lambda_emu::process
