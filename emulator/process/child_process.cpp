#include "child_process.hpp"

#include "function_user.hpp"
#include "process_table.hpp"

#include <boost/process/v2.hpp>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace bp = boost::process::v2;

namespace {

// Closes every descriptor above stderr except those in `keep`, between fork and exec: the second
// line of defence behind close-on-exec, for anything opened without it (by a library, say).
// Boost 1.81 means to do this itself, but its Linux close_all compares each kept descriptor with
// itself instead of the next one (`next = whitelist[idx]`), so it only closes what lies above the
// highest kept one (its exec-error pipe, opened last) and everything below stays open.
void close_inherited_descriptors(const std::vector<int>& keep)
{
    unsigned lowest = 3;
    for (;;) {
        // The next kept descriptor at or above `lowest` (the list is tiny and unsorted; no allocation here).
        unsigned next_kept = ~0U;
        for (const int fd : keep) {
            if (fd >= 0 && static_cast<unsigned>(fd) >= lowest && static_cast<unsigned>(fd) < next_kept)
                next_kept = static_cast<unsigned>(fd);
        }
        if (next_kept > lowest) {
            const unsigned highest = next_kept == ~0U ? ~0U : next_kept - 1;
            if (::syscall(SYS_close_range, lowest, highest, 0) != 0) {
                // No close_range (a kernel before 5.9): one by one, as far as the limit goes.
                const long limit = ::sysconf(_SC_OPEN_MAX);
                const unsigned last = limit > 0 ? static_cast<unsigned>(limit) - 1 : 1023U;
                for (unsigned fd = lowest; fd <= std::min(highest, last); ++fd) ::close(static_cast<int>(fd));
            }
        }
        if (next_kept == ~0U) return;
        lowest = next_kept + 1;
    }
}

// Runs in the child between fork and exec: enters the environment's sandbox, if any, then its
// working directory (setns changes the current directory, so the order matters). Entering a PID
// namespace places only the children made afterwards in it, so the child clones once more, with
// CLONE_PARENT: the clone, the emulator's own child, goes on to exec; the first child tells the
// emulator its pid (`clone_pid_fd`) and exits.
struct SandboxAndDirectory {
    std::optional<SandboxEntry> sandbox;
    const char* directory;
    int clone_pid_fd;
    const std::vector<int>& join_cgroup;

    bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*)
    {
        // The environment's cgroup before anything else (while still the emulator's user, who
        // may write it): whatever the process starts from here on is in it.
        for (const int procs : join_cgroup) {
            if (::write(procs, "0", 1) != 1) return bp::error_code{errno, boost::system::system_category()};
        }
        if (sandbox) {
            if (::setns(sandbox->user_namespace, CLONE_NEWUSER) != 0 ||
                ::setns(sandbox->mount_namespace, CLONE_NEWNS) != 0 ||
                ::setns(sandbox->pid_namespace, CLONE_NEWPID) != 0)
                return bp::error_code{errno, boost::system::system_category()};
            const long clone = ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, 0);
            if (clone < 0) return bp::error_code{errno, boost::system::system_category()};
            if (clone > 0) {
                const pid_t pid = static_cast<pid_t>(clone);
                const bool told = ::write(clone_pid_fd, &pid, sizeof pid) == static_cast<ssize_t>(sizeof pid);
                ::_exit(told ? 0 : 1);
            }
        }
        if (::chdir(directory) != 0) return bp::error_code{errno, boost::system::system_category()};
        if (sandbox) {
            if (const int error = become_function_user(); error != 0) {
                errno = error; // what the launcher reports
                return bp::error_code{error, boost::system::system_category()};
            }
        }
        return {};
    }
};

// Runs in the child between fork and exec, after stdio is in place (it comes last).
struct OwnGroupAndParentDeathSignal {
    pid_t parent; // as getppid() sees it: 0 in a PID namespace, where the parent is outside

    bp::error_code on_exec_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&, const char* const*)
    {
        // Its own group, so SIGKILL at the deadline reaches whatever it starts.
        if (::setpgid(0, 0) != 0) return bp::error_code{errno, boost::system::system_category()};
        // No child outlives the emulator, even one killed with SIGKILL. (After any change of
        // user, which clears this setting.)
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127); // the emulator died before prctl took effect
        // Undo what the emulator's signal handling may have left: a child starts as under init.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        // Nothing but stdin, stdout and stderr goes on; the launcher's own list keeps its
        // exec-error pipe (close-on-exec, it reports a failed exec).
        close_inherited_descriptors(launcher.fd_whitelist);
        return {};
    }

    // The exec failed and the launcher has told the emulator why: leave at once. The launcher
    // would call exit(), running the emulator's own exit handlers in this copy of it, slowly
    // enough (a sanitizer's leak check) for the emulator to see it alive as an orphan of the
    // environment and report it as an escaped process.
    // (Variadic: Boost 1.81 detects this hook with one argument more than it passes.)
    template <typename... Arguments> void on_exec_error(bp::posix::default_launcher&, Arguments&&...)
    {
        ::_exit(EXIT_FAILURE);
    }
};

// The child's whole environment, exactly: nothing inherited. (Boost 1.81's own
// process_environment defines its setup step only in src.hpp, which header-only use excludes.)
struct ExactEnvironment {
    explicit ExactEnvironment(const std::vector<std::string>& variables)
    {
        pointers.reserve(variables.size() + 1);
        for (const auto& variable : variables) pointers.push_back(variable.c_str());
        pointers.push_back(nullptr);
    }
    bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&, const char* const*)
    {
        launcher.env = pointers.data();
        return {};
    }
    std::vector<const char*> pointers;
};

std::string go_style_error(const std::filesystem::path& executable, const bp::error_code& ec)
{
    std::string text = ec.message();
    if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return "fork/exec " + executable.string() + ": " + text;
}

} // namespace

SpawnResult ChildProcess::spawn(boost::asio::io_context& io, const SpawnSpec& spec, LineSink on_stdout,
                                LineSink on_stderr)
{
    boost::asio::readable_pipe out{io};
    boost::asio::readable_pipe err{io};
    bp::error_code ec;
    bp::process child{io.get_executor()};
    int clone_pid[2] = {-1, -1};
    if (spec.sandbox && ::pipe2(clone_pid, O_CLOEXEC) != 0)
        return {nullptr, go_style_error(spec.executable, bp::error_code{errno, boost::system::system_category()})};
    {
        bp::posix::default_launcher launcher;
        child =
            launcher(io.get_executor(), ec, spec.executable, spec.arguments, ExactEnvironment{spec.environment},
                     bp::process_stdio{nullptr, out, err},
                     SandboxAndDirectory{spec.sandbox, spec.working_directory.c_str(), clone_pid[1], spec.join_cgroup},
                     OwnGroupAndParentDeathSignal{spec.sandbox ? 0 : ::getpid()});
    }
    // The emulator's reaper owns the exit from here on: let go of Boost's handle (detach, so its
    // destructor does not terminate the process).
    pid_t pid = child.id();
    if (spec.sandbox) {
        // The first child wrote its clone's pid before exiting; the clone is the process.
        ::close(clone_pid[1]);
        pid_t clone = -1;
        ssize_t got = 0;
        while ((got = ::read(clone_pid[0], &clone, sizeof clone)) < 0 && errno == EINTR) {}
        ::close(clone_pid[0]);
        if (!ec && pid > 0) {
            int status = 0;
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        }
        pid = got == static_cast<ssize_t>(sizeof clone) ? clone : -1;
        if (!ec && pid <= 0) ec = bp::error_code{ECHILD, boost::system::system_category()};
    }
    if (ec) return {nullptr, go_style_error(spec.executable, ec)};
    child.detach();
    LineReader::start(std::move(out), std::move(on_stdout));
    LineReader::start(std::move(err), std::move(on_stderr));
    return {std::unique_ptr<ChildProcess>{new ChildProcess{pid}}, {}};
}

void ChildProcess::terminate() const
{
    ::kill(pid_, SIGTERM);
}

void ChildProcess::kill_group() const
{
    // The group outlives its leader while members remain; ESRCH just means nobody is left.
    ::kill(-pid_, SIGKILL);
}

int ChildProcess::peak_memory_mb() const
{
    return static_cast<int>((peak_resident_kb(pid_) + 1023) / 1024);
}

long peak_resident_kb(pid_t root)
{
    long total = status_field_kb(root, "VmHWM");
    if (total == 0) return 0;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", root, root);
    const std::string children = read_proc_file(path);
    const char* cursor = children.c_str();
    char* end = nullptr;
    for (long child = std::strtol(cursor, &end, 10); end != cursor; child = std::strtol(cursor, &end, 10)) {
        total += peak_resident_kb(static_cast<pid_t>(child));
        cursor = end;
    }
    return total;
}

int count_group_members(pid_t group)
{
    int members = 0;
    for (const auto& entry : read_process_table()) {
        if (entry.group == group && entry.live()) ++members;
    }
    return members;
}

} // namespace lambda_emu::process
