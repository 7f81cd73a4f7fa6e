#include "child_reaper.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lambda_emu::process {

std::string ChildReaper::become_subreaper()
{
    // Grandchildren (a shell bootstrap's node, an extension's helper) are reparented to us
    // instead of to init, so we can reap them and find them even when they left their group.
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0) return {};
    return std::string{"warning: cannot become a child subreaper ("} + std::strerror(errno) +
           "): processes whose parent exits are adopted by init, so one that left its process group may outlive "
           "its environment";
}

ChildReaper::ChildReaper(boost::asio::io_context& io) : sigchld_{io, SIGCHLD}, descendants_{io}
{
    // Only exits are news: the freeze between invocations stops and continues children
    // (process/freezer.hpp), and without SA_NOCLDSTOP each would wake the loop for nothing.
    // (Asio's own flag for this comes with Boost 1.82; its handler stays as it installed it.)
    struct sigaction action {};
    if (::sigaction(SIGCHLD, nullptr, &action) == 0) {
        action.sa_flags |= SA_NOCLDSTOP;
        ::sigaction(SIGCHLD, &action, nullptr);
    }
    wait_for_signal();
}

ChildReaper::~ChildReaper()
{
    DescendantTracker::kill_every_descendant();
    // SIGKILL takes effect at once unless a process is stuck in the kernel: wait a little for
    // each exit, never long.
    for (int attempt = 0; attempt < 200; ++attempt) {
        pid_t pid = 0;
        while ((pid = ::waitpid(-1, nullptr, WNOHANG)) > 0) {}
        if (pid < 0) return; // ECHILD: no child left
        ::usleep(5000);
    }
}

void ChildReaper::watch(pid_t pid, ExitCallback on_exit)
{
    watched_[pid] = std::move(on_exit);
}

void ChildReaper::wait_for_signal()
{
    sigchld_.async_wait([this](const boost::system::error_code& ec, int) {
        if (ec) return; // operation_aborted: the reaper is going away
        reap_all();
        wait_for_signal();
    });
}

void ChildReaper::reap_all()
{
    // Signals coalesce: one SIGCHLD may stand for many exits, so loop until nothing is left.
    for (;;) {
        int raw = 0;
        const pid_t pid = ::waitpid(-1, &raw, WNOHANG);
        if (pid <= 0) return; // 0: children still running; -1/ECHILD: no children at all
        const core::ExitStatus status =
            WIFSIGNALED(raw) ? core::ExitStatus::killed_by(WTERMSIG(raw)) : core::ExitStatus::exited(WEXITSTATUS(raw));
        auto watcher = watched_.find(pid);
        if (watcher == watched_.end()) continue; // an orphan: reaped, nothing to tell
        auto on_exit = std::move(watcher->second);
        watched_.erase(watcher);
        on_exit(status);
    }
}

} // namespace lambda_emu::process
