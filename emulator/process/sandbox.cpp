#include "sandbox.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace fs = std::filesystem;

namespace {

// What the namespace maker tells the emulator: 0 when ready, else the errno of the step that
// failed (`step` indexes the mount plan; negative: a step before it).
struct SetupResult {
    int error = 0;
    long step = 0;
};
constexpr long kStepUnshare = -1;
constexpr long kStepIdMaps = -2;
constexpr long kStepPrivate = -3;

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

bool is_under(const fs::path& path, const fs::path& folder)
{
    const auto [folder_end, path_at] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
    return folder_end == folder.end();
}

// Folders the sandbox puts something else over: the host's paths below them are hidden inside.
bool hidden_inside(const fs::path& path)
{
    for (const char* covered : {"/tmp", "/opt", "/var/tmp", "/var/task", "/var/lambda-emu"}) {
        if (is_under(path, covered)) return true;
    }
    return false;
}

// The namespace maker, between fork and _exit: system calls only.
[[noreturn]] void make_namespaces(int report_fd, int release_fd, const std::string& uid_map, const std::string& gid_map,
                                  const std::vector<MountStep>& steps) noexcept
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    SetupResult result;
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
        result = {errno, kStepUnshare};
    } else if (!write_file("/proc/self/setgroups", "deny") || !write_file("/proc/self/uid_map", uid_map) ||
               !write_file("/proc/self/gid_map", gid_map)) {
        result = {errno, kStepIdMaps};
    } else if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        // Nothing mounted here may propagate back to the host.
        result = {errno, kStepPrivate};
    } else {
        std::size_t failed = 0;
        if (const int error = carry_out(steps, failed); error != 0) result = {error, static_cast<long>(failed)};
    }
    write_all(report_fd, &result, sizeof result);
    if (result.error == 0) {
        // Stay until the emulator holds the namespaces (it closes the other end).
        char byte;
        while (::read(release_fd, &byte, 1) < 0 && errno == EINTR) {}
    }
    ::_exit(result.error == 0 ? 0 : 1);
}

std::string id_map(unsigned id)
{
    // The same id inside as outside: files the function writes belong to the user who ran the emulator.
    return std::to_string(id) + " " + std::to_string(id) + " 1\n";
}

int wait_for(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

} // namespace

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
    {
        std::ofstream hosts{staged / "hosts"};
        hosts << sandbox_hosts_file();
        if (!hosts) {
            error = "cannot write the sandbox's hosts file in " + staged.string();
            return nullptr;
        }
    }
    layout.root_mountpoint = staged / "root";
    layout.hosts_file = staged / "hosts";
    std::vector<fs::path> shown = folders;
    for (const auto& executable : executables) shown.push_back(executable.parent_path());
    for (const auto& folder : shown) {
        if (is_under(folder, layout.task_root) || is_under(folder, layout.staged_opt)) continue;
        if (!hidden_inside(folder)) continue;
        auto& dirs = layout.hidden_host_dirs;
        if (std::find(dirs.begin(), dirs.end(), folder) == dirs.end()) dirs.push_back(folder);
    }
    sandbox->layout_ = layout;

    const std::vector<MountStep> steps = plan_mounts(layout);
    const std::string uid_map = id_map(::getuid());
    const std::string gid_map = id_map(::getgid());
    int report[2];
    int release[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        error = std::string{"cannot make the sandbox: pipe: "} + std::strerror(errno);
        return nullptr;
    }
    if (::pipe2(release, O_CLOEXEC) != 0) {
        error = std::string{"cannot make the sandbox: pipe: "} + std::strerror(errno);
        ::close(report[0]);
        ::close(report[1]);
        return nullptr;
    }
    const pid_t maker = ::fork();
    if (maker == 0) {
        // Its copies of the emulator's ends, closed: the release is the emulator closing its own.
        ::close(report[0]);
        ::close(release[1]);
        make_namespaces(report[1], release[0], uid_map, gid_map, steps);
    }
    ::close(report[1]);
    ::close(release[0]);
    if (maker < 0) {
        error = std::string{"cannot make the sandbox: fork: "} + std::strerror(errno);
        ::close(report[0]);
        ::close(release[1]);
        return nullptr;
    }
    SetupResult result{EPIPE, kStepUnshare};
    ssize_t got = 0;
    while ((got = ::read(report[0], &result, sizeof result)) < 0 && errno == EINTR) {}
    if (got != static_cast<ssize_t>(sizeof result)) result = {EPIPE, kStepUnshare};
    ::close(report[0]);
    if (result.error == 0) {
        const std::string ns = "/proc/" + std::to_string(maker) + "/ns/";
        sandbox->user_namespace_ = ::open((ns + "user").c_str(), O_RDONLY | O_CLOEXEC);
        sandbox->mount_namespace_ = ::open((ns + "mnt").c_str(), O_RDONLY | O_CLOEXEC);
        if (sandbox->user_namespace_ < 0 || sandbox->mount_namespace_ < 0) result = {errno, kStepUnshare};
    }
    ::close(release[1]); // the maker exits
    wait_for(maker);
    if (result.error != 0) {
        switch (result.step) {
        case kStepUnshare:
            error = std::string{"cannot make the sandbox: unshare: "} + std::strerror(result.error);
            break;
        case kStepIdMaps:
            error = std::string{"cannot make the sandbox: writing uid_map/gid_map: "} + std::strerror(result.error);
            break;
        case kStepPrivate:
            error = std::string{"cannot make the sandbox: making / private: "} + std::strerror(result.error);
            break;
        default:
            error = "cannot make the sandbox: " +
                    describe_failure(steps.at(static_cast<std::size_t>(result.step)), result.error);
        }
        return nullptr;
    }
    return sandbox;
}

Sandbox::~Sandbox()
{
    // The namespaces (and the tmpfs of /tmp) go once the last process in them is gone too.
    if (user_namespace_ >= 0) ::close(user_namespace_);
    if (mount_namespace_ >= 0) ::close(mount_namespace_);
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
