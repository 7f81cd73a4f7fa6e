#include "sandbox.hpp"

#include "function_user.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <sstream>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace fs = std::filesystem;

namespace {

// What the environment's init tells the emulator: 0 when ready, else the errno of the step that
// failed (`step` indexes the mount plan; negative: a step before it).
struct SetupResult {
    int error = 0;
    long step = 0;
};
constexpr long kStepClone = -1;
constexpr long kStepIdMaps = -2;
constexpr long kStepPrivate = -3;
constexpr long kStepNamespaces = -4;

bool write_all(int fd, const void* data, std::size_t size) noexcept
{
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, bytes, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool write_file(const char* path, const std::string& content) noexcept
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool written = write_all(fd, content.data(), content.size());
    ::close(fd);
    return written;
}

bool write_text_file(const fs::path& path, const std::string& content)
{
    std::ofstream file{path};
    file << content;
    return static_cast<bool>(file);
}

// Every descriptor but those in `keep` (three, in any order) closed, stdin, stdout and stderr on
// /dev/null: the init lives as long as the environment and must hold none of the emulator's
// sockets (a client's connection would never see its end) nor its output (a reader would never
// see EOF).
void keep_only(int (&keep)[3]) noexcept
{
    const int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3 && null >= 0; ++fd) ::dup2(null, fd);
    for (int i = 0; i < 3; ++i) { // sorted, by hand: no allocation here
        for (int j = i + 1; j < 3; ++j) {
            if (keep[j] < keep[i]) {
                const int swap = keep[i];
                keep[i] = keep[j];
                keep[j] = swap;
            }
        }
    }
    unsigned next = 3;
    for (const int kept : keep) {
        if (kept < 0) continue;
        if (static_cast<unsigned>(kept) > next) ::syscall(SYS_close_range, next, static_cast<unsigned>(kept) - 1, 0U);
        next = static_cast<unsigned>(kept) + 1;
    }
    ::syscall(SYS_close_range, next, ~0U, 0U);
}

// The init, once ready, becomes a small process of its own: the emulator's binary executed anew
// (so that it holds no copy of the emulator's memory, which a clone keeps as the emulator changes
// its own), named "init", with nothing of the emulator's environment but the descriptor to watch.
// main() hands such a process to run_as_environment_init. If the exec fails, it reaps as it is.
void execute_as_init(int executable_fd, int release_fd) noexcept
{
    if (executable_fd < 0) return;
    char variable[64] = "LAMBDA_EMU_ENVIRONMENT_INIT=";
    char digits[16];
    int count = 0;
    for (unsigned value = static_cast<unsigned>(release_fd); count == 0 || value > 0; value /= 10)
        digits[count++] = static_cast<char>('0' + value % 10);
    std::size_t at = std::strlen(variable);
    while (count > 0) variable[at++] = digits[--count];
    variable[at] = '\0';
    ::fcntl(release_fd, F_SETFD, 0); // kept across the exec
    const char* arguments[] = {"init", nullptr};
    const char* environment[] = {variable, nullptr};
    ::syscall(SYS_execveat, executable_fd, "", arguments, environment, AT_EMPTY_PATH);
}

// Where the emulator's command line lies in its memory (/proc/self/stat, fields 48 and 49): the
// init, a copy of the emulator that never execs, would show it to the function as its own
// (/proc/1/cmdline, readable by anyone there), with the host's paths in it.
struct ArgumentArea {
    unsigned long start = 0;
    unsigned long end = 0;
};

ArgumentArea own_argument_area()
{
    std::ifstream file{"/proc/self/stat"};
    std::string stat{std::istreambuf_iterator<char>{file}, std::istreambuf_iterator<char>{}};
    const auto name_end = stat.rfind(')');
    if (name_end == std::string::npos) return {};
    std::istringstream fields{stat.substr(name_end + 1)};
    std::string field;
    ArgumentArea area;
    for (int number = 3; fields >> field && number <= 49; ++number) {
        if (number == 48) area.start = std::stoul(field);
        if (number == 49) area.end = std::stoul(field);
    }
    return area.end > area.start ? area : ArgumentArea{};
}

// The init's command line and name become "init": its copy of the emulator's is its own memory.
void rename_as_init(const ArgumentArea& area) noexcept
{
    ::prctl(PR_SET_NAME, "init", 0, 0, 0);
    if (area.end <= area.start) return;
    char* arguments = reinterpret_cast<char*>(area.start);
    const std::size_t size = area.end - area.start;
    std::memset(arguments, 0, size);
    std::memcpy(arguments, "init", size < 4 ? size : 4);
}

// PID 1 of the environment, once its mounts are made: reaps whatever is orphaned inside, until
// the emulator closes `release_fd` (or dies: the parent-death signal, or the same EOF).
[[noreturn]] void reap_until_released(int release_fd) noexcept
{
    sigset_t child_exits;
    sigemptyset(&child_exits);
    sigaddset(&child_exits, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &child_exits, nullptr);
    const int exits = ::signalfd(-1, &child_exits, SFD_CLOEXEC | SFD_NONBLOCK);
    pollfd watched[2] = {{release_fd, POLLIN, 0}, {exits, POLLIN, 0}};
    for (;;) {
        if (::poll(watched, exits >= 0 ? 2 : 1, exits >= 0 ? -1 : 100) < 0 && errno != EINTR) ::_exit(1);
        signalfd_siginfo info;
        while (exits >= 0 && ::read(exits, &info, sizeof info) > 0) {}
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {}
        if (watched[0].revents != 0) ::_exit(0); // released (EOF): the kernel kills the rest
    }
}

// The environment's init, between clone and _exit: system calls only. It waits for the emulator
// to write its id maps (`go_fd`), makes the mounts, reports, then reaps.
[[noreturn]] void run_environment_init(int report_fd, int go_fd, int release_fd, int executable_fd,
                                       const std::vector<MountStep>& steps, const ArgumentArea& arguments) noexcept
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    rename_as_init(arguments);
    char go = 0;
    ssize_t got = 0;
    while ((got = ::read(go_fd, &go, 1)) < 0 && errno == EINTR) {}
    if (got != 1) ::_exit(1); // the emulator failed or died before the maps were written
    ::close(go_fd);
    int kept[3] = {report_fd, release_fd, executable_fd};
    keep_only(kept);
    SetupResult result;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        // Nothing mounted here may propagate back to the host.
        result = {errno, kStepPrivate};
    } else {
        std::size_t failed = 0;
        if (const int error = carry_out(steps, failed); error != 0) result = {error, static_cast<long>(failed)};
    }
    write_all(report_fd, &result, sizeof result);
    ::close(report_fd);
    if (result.error != 0) ::_exit(1);
    execute_as_init(executable_fd, release_fd);
    reap_until_released(release_fd);
}

std::string id_map(unsigned id)
{
    return std::to_string(id) + " " + std::to_string(id) + " 1\n";
}

int wait_for(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

// The init's id maps, written by the emulator (its parent): an unprivileged emulator may map
// only its own ids, and only once setgroups is denied.
bool write_id_maps(pid_t init)
{
    const std::string proc = "/proc/" + std::to_string(init) + "/";
    const uid_t uid = ::geteuid();
    if (uid != 0 && !write_file((proc + "setgroups").c_str(), "deny")) return false;
    return write_file((proc + "uid_map").c_str(), function_uid_map(uid)) &&
           write_file((proc + "gid_map").c_str(), function_gid_map(uid, ::getegid()));
}

std::string describe(const SetupResult& result, const std::vector<MountStep>& steps)
{
    const std::string why = std::strerror(result.error);
    switch (result.step) {
    case kStepClone: return "cannot make the sandbox: clone (user, mount and PID namespaces): " + why;
    case kStepIdMaps: return "cannot make the sandbox: writing uid_map/gid_map: " + why;
    case kStepPrivate: return "cannot make the sandbox: making / private: " + why;
    case kStepNamespaces: return "cannot make the sandbox: opening its namespaces: " + why;
    default:
        return "cannot make the sandbox: " +
               describe_failure(steps.at(static_cast<std::size_t>(result.step)), result.error);
    }
}

} // namespace

[[noreturn]] void run_as_environment_init(const char* release_fd)
{
    reap_until_released(std::atoi(release_fd));
}

std::string user_namespaces_unavailable()
{
    if (const char* simulated = std::getenv("LAMBDA_EMU_TEST_NO_USERNS"); simulated && std::string{simulated} == "1") {
        return "this kernel does not allow unprivileged user namespaces (simulated by LAMBDA_EMU_TEST_NO_USERNS=1, "
               "a test-only switch)";
    }
    // The child tries what the sandbox needs: a user and a mount namespace, its id maps, and a
    // mount in it (a container's security profile may allow the first and refuse the last).
    // Its exit code is the errno, plus 64 once the namespaces exist.
    const std::string uid_map = id_map(::getuid());
    const std::string gid_map = id_map(::getgid());
    const pid_t pid = ::fork();
    if (pid < 0) return std::string{"cannot fork to ask the kernel: "} + std::strerror(errno);
    if (pid == 0) {
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) ::_exit(errno & 0x3f);
        if (!write_file("/proc/self/setgroups", "deny") || !write_file("/proc/self/uid_map", uid_map) ||
            !write_file("/proc/self/gid_map", gid_map) ||
            ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            ::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0)
            ::_exit(64 + (errno & 0x3f));
        ::_exit(0);
    }
    const int status = wait_for(pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : EPERM;
    if (code >= 64) {
        return std::string{"this machine allows user namespaces but not mounts in them ("} + std::strerror(code - 64) +
               "; a container's security profile, say)";
    }
    return std::string{"this kernel does not allow unprivileged user namespaces (unshare: "} + std::strerror(code) +
           ")";
}

std::string sandbox_hosts_file()
{
    return "127.0.0.1\tlocalhost localhost.localdomain\n"
           "::1\tlocalhost ip6-localhost ip6-loopback\n"
           "127.0.0.1\tsandbox sandbox.localdomain\n";
}

std::unique_ptr<Sandbox> Sandbox::create(SandboxLayout layout, const std::vector<fs::path>& executables,
                                         const std::vector<fs::path>& folders, std::string& error)
{
    std::unique_ptr<Sandbox> sandbox{new Sandbox};
    sandbox->staged_ = StagedDirectory::create("sandbox", error);
    if (!sandbox->staged_) return nullptr;
    const fs::path& staged = sandbox->staged_->path();
    std::error_code ec;
    fs::create_directory(staged / "root", ec);
    // Readable by the function's user, as the host's /etc files are.
    fs::permissions(staged,
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                        fs::perms::others_exec,
                    ec);
    const std::pair<const char*, std::string> files[] = {{"hosts", sandbox_hosts_file()},
                                                         {"passwd", sandbox_passwd_file()},
                                                         {"group", sandbox_group_file()},
                                                         {"empty", ""}};
    for (const auto& [name, content] : files) {
        if (!write_text_file(staged / name, content)) {
            error = "cannot write the sandbox's " + std::string{name} + " file in " + staged.string();
            return nullptr;
        }
    }
    // A function folder that does not exist is an empty /var/task: the missing bootstrap is then
    // Runtime.InvalidEntrypoint at Init, as on Lambda, not a sandbox that cannot be made.
    if (!fs::is_directory(layout.task_root, ec)) {
        fs::create_directory(staged / "task", ec);
        layout.task_root = staged / "task";
    }
    layout.root_mountpoint = staged / "root";
    layout.hosts_file = staged / "hosts";
    layout.passwd_file = staged / "passwd";
    layout.group_file = staged / "group";
    layout.empty_file = staged / "empty";
    std::vector<fs::path> shown = folders;
    for (const auto& executable : executables) shown.push_back(executable.parent_path());
    for (const auto& folder : shown) {
        if (is_under(folder, layout.task_root) || is_under(folder, layout.staged_opt)) continue;
        if (shown_inside(folder) || !fs::is_directory(folder, ec)) continue; // nothing to show
        auto& dirs = layout.hidden_host_dirs;
        if (std::find(dirs.begin(), dirs.end(), folder) == dirs.end()) dirs.push_back(folder);
    }
    // An installation the sandbox shows anyway, or one under /tmp or /opt (where the sandbox's own
    // mounts would cover it), is not bound again.
    std::erase_if(layout.installations, [&ec](const fs::path& installation) {
        return !installation.is_absolute() || shown_inside(installation) || is_under(installation, "/tmp") ||
               is_under(installation, "/opt") || !fs::is_directory(installation, ec);
    });
    sandbox->layout_ = layout;

    const std::vector<MountStep> steps = plan_mounts(layout);
    const ArgumentArea arguments = own_argument_area();
    const int executable = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    int report[2];
    int go[2];
    int release[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        error = std::string{"cannot make the sandbox: pipe: "} + std::strerror(errno);
        if (executable >= 0) ::close(executable);
        return nullptr;
    }
    if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC) != 0) {
        error = std::string{"cannot make the sandbox: pipe: "} + std::strerror(errno);
        for (int fd : {report[0], report[1], go[0], go[1], executable}) ::close(fd);
        return nullptr;
    }
    // Straight into new namespaces: the child is PID 1 of its own, in a user namespace of its
    // own (no flag here needs privilege once CLONE_NEWUSER is among them).
    const long init =
        ::syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, 0);
    if (init == 0) {
        // Its copies of the emulator's ends, closed: the release is the emulator closing its own.
        ::close(report[0]);
        ::close(go[1]);
        ::close(release[1]);
        run_environment_init(report[1], go[0], release[0], executable, steps, arguments);
    }
    if (executable >= 0) ::close(executable);
    ::close(report[1]);
    ::close(go[0]);
    ::close(release[0]);
    SetupResult result{};
    if (init < 0) {
        result = {errno, kStepClone};
    } else {
        sandbox->init_pid_ = static_cast<pid_t>(init);
        sandbox->release_fd_ = release[1];
        release[1] = -1;
        const std::string ns = "/proc/" + std::to_string(init) + "/ns/";
        sandbox->user_namespace_ = ::open((ns + "user").c_str(), O_RDONLY | O_CLOEXEC);
        sandbox->mount_namespace_ = ::open((ns + "mnt").c_str(), O_RDONLY | O_CLOEXEC);
        sandbox->pid_namespace_ = ::open((ns + "pid").c_str(), O_RDONLY | O_CLOEXEC);
        if (sandbox->user_namespace_ < 0 || sandbox->mount_namespace_ < 0 || sandbox->pid_namespace_ < 0) {
            result = {errno, kStepNamespaces};
        } else if (!write_id_maps(sandbox->init_pid_)) {
            result = {errno, kStepIdMaps};
        } else {
            const char start = 1;
            write_all(go[1], &start, 1);
            ssize_t got = 0;
            while ((got = ::read(report[0], &result, sizeof result)) < 0 && errno == EINTR) {}
            if (got != static_cast<ssize_t>(sizeof result)) result = {EPIPE, kStepClone};
        }
    }
    ::close(go[1]);
    ::close(report[0]);
    if (release[1] >= 0) ::close(release[1]);
    if (result.error != 0) {
        error = describe(result, steps);
        sandbox->end_unused();
        return nullptr;
    }
    return sandbox;
}

Sandbox::~Sandbox()
{
    if (user_namespace_ >= 0) ::close(user_namespace_);
    if (mount_namespace_ >= 0) ::close(mount_namespace_);
    if (pid_namespace_ >= 0) ::close(pid_namespace_);
    if (release_fd_ >= 0) ::close(release_fd_);
    // Its exit takes every process left inside with it, at once. Not waited for: the init's exit
    // completes only once the emulator has reaped its own children that were inside (the
    // runtime, the extensions), so the emulator's reaper reaps it with them.
    if (init_pid_ > 0) ::kill(init_pid_, SIGKILL);
}

void Sandbox::end_unused()
{
    if (init_pid_ <= 0) return;
    ::kill(init_pid_, SIGKILL);
    wait_for(init_pid_);
    init_pid_ = -1;
}

fs::path Sandbox::inside_path(const fs::path& path) const
{
    if (is_under(path, layout_.task_root)) return "/var/task" / path.lexically_relative(layout_.task_root);
    if (is_under(path, layout_.staged_opt)) return "/opt" / path.lexically_relative(layout_.staged_opt);
    const auto& dirs = layout_.hidden_host_dirs;
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        if (!is_under(path, dirs[i])) continue;
        const fs::path inside = fs::path{kHiddenExtensionsInside} / std::to_string(i);
        const fs::path relative = path.lexically_relative(dirs[i]);
        return relative == "." ? inside : inside / relative;
    }
    return path;
}

} // namespace lambda_emu::process
