#include "mount_plan.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace fs = std::filesystem;

namespace {

// <linux/mount.h> clashes with glibc 2.36's <sys/mount.h>: the two names needed, as the kernel has them.
struct MountAttributes {
    std::uint64_t attr_set;
    std::uint64_t attr_clr;
    std::uint64_t propagation;
    std::uint64_t userns_fd;
};
constexpr std::uint64_t kMountAttrReadOnly = 0x1;

// Read-only for the mount at `path`, and with `recursive` for every mount below it: one call
// (Linux 5.12), which also keeps the flags a user namespace may not clear (nosuid, nodev, ...).
int make_read_only(const char* path, bool recursive) noexcept
{
    MountAttributes attributes{kMountAttrReadOnly, 0, 0, 0};
    return static_cast<int>(
        ::syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attributes, sizeof attributes));
}

std::string inside(const fs::path& root, const std::string& name)
{
    return (root / name).string();
}

// The host's entries of `directory` bound, one by one, under `root` + `directory`: symbolic links
// copied (merged-/usr's /bin -> usr/bin), folders and files bound read-only unless `writable`.
void add_host_entries(std::vector<MountStep>& steps, const fs::path& root, const fs::path& directory,
                      const std::vector<std::string>& skipped, const std::vector<std::string>& writable)
{
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (const auto& entry : fs::directory_iterator{directory, ec}) entries.push_back(entry);
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) {
        const std::string name = entry.path().filename().string();
        if (std::find(skipped.begin(), skipped.end(), name) != skipped.end()) continue;
        const std::string target = (root / directory.relative_path() / name).string();
        const bool rw = std::find(writable.begin(), writable.end(), name) != writable.end();
        if (entry.is_symlink(ec)) {
            const auto link = fs::read_symlink(entry.path(), ec);
            if (!ec) steps.push_back({MountStep::Kind::Symlink, link.string(), target, {}});
        } else if (entry.is_directory(ec)) {
            steps.push_back({MountStep::Kind::Mkdir, {}, target, {}});
            steps.push_back(
                {rw ? MountStep::Kind::BindRW : MountStep::Kind::BindRO, entry.path().string(), target, {}});
        } else if (entry.is_regular_file(ec)) {
            steps.push_back({MountStep::Kind::Touch, {}, target, {}});
            steps.push_back({MountStep::Kind::BindRO, entry.path().string(), target, {}});
        }
    }
}

} // namespace

std::vector<MountStep> plan_mounts(const SandboxLayout& layout)
{
    const fs::path& root = layout.root_mountpoint;
    std::vector<MountStep> steps;
    steps.push_back({MountStep::Kind::RootTmpfs, {}, root.string(), "mode=0755"});
    // /proc and /dev stay writable (a process may write its own /proc files, /dev/null, ...).
    add_host_entries(steps, root, "/", {"tmp", "opt", "var"}, {"proc", "dev"});

    steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, "var"), {}});
    add_host_entries(steps, root, "/var", {"task", "lambda-emu", "tmp"}, {});
    // The function's code, read-only: a write gets EROFS, as on Lambda.
    steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, "var/task"), {}});
    steps.push_back({MountStep::Kind::BindRO, layout.task_root.string(), inside(root, "var/task"), {}});
    if (!layout.hidden_host_dirs.empty()) {
        const fs::path base = root / fs::path{kHiddenExtensionsInside}.relative_path();
        steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, "var/lambda-emu"), {}});
        steps.push_back({MountStep::Kind::Mkdir, {}, base.string(), {}});
        for (std::size_t i = 0; i < layout.hidden_host_dirs.size(); ++i) {
            const std::string target = (base / std::to_string(i)).string();
            steps.push_back({MountStep::Kind::Mkdir, {}, target, {}});
            steps.push_back({MountStep::Kind::BindRO, layout.hidden_host_dirs[i].string(), target, {}});
        }
    }
    // /var/tmp is Lambda's too: point it at /tmp rather than at the host's.
    steps.push_back({MountStep::Kind::Symlink, "/tmp", inside(root, "var/tmp"), {}});

    steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, "tmp"), {}});
    steps.push_back({MountStep::Kind::Tmpfs,
                     {},
                     inside(root, "tmp"),
                     "size=" + std::to_string(layout.ephemeral_storage_mb) + "m,mode=1777"});
    steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, "opt"), {}});
    steps.push_back({MountStep::Kind::BindRO, layout.staged_opt.string(), inside(root, "opt"), {}});
    std::error_code ec;
    if (fs::exists("/etc/hosts", ec)) {
        steps.push_back({MountStep::Kind::BindRO, layout.hosts_file.string(), inside(root, "etc/hosts"), {}});
    }
    steps.push_back({MountStep::Kind::PivotRoot, {}, root.string(), {}});
    steps.push_back({MountStep::Kind::ReadOnlyRoot, {}, "/", {}});
    return steps;
}

int carry_out(const std::vector<MountStep>& steps, std::size_t& failed_step) noexcept
{
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const MountStep& step = steps[i];
        const char* target = step.target.c_str();
        int result = 0;
        switch (step.kind) {
        case MountStep::Kind::Mkdir:
            result = ::mkdir(target, 0755);
            if (result != 0 && errno == EEXIST) result = 0;
            break;
        case MountStep::Kind::Touch: {
            const int fd = ::open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
            result = fd < 0 ? -1 : ::close(fd);
            break;
        }
        case MountStep::Kind::Symlink: result = ::symlink(step.source.c_str(), target); break;
        case MountStep::Kind::BindRO:
            result = ::mount(step.source.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr);
            if (result == 0) result = make_read_only(target, true);
            break;
        case MountStep::Kind::BindRW:
            result = ::mount(step.source.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr);
            break;
        case MountStep::Kind::Tmpfs:
        case MountStep::Kind::RootTmpfs:
            result = ::mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, step.data.c_str());
            break;
        case MountStep::Kind::PivotRoot:
            // pivot_root(".", "."): the old root is stacked under the new one and detached at
            // once, so no directory for it is needed (pivot_root(2), "NOTES").
            result = ::chdir(target);
            if (result == 0) result = static_cast<int>(::syscall(SYS_pivot_root, ".", "."));
            if (result == 0) result = ::umount2(".", MNT_DETACH);
            if (result == 0) result = ::chdir("/");
            break;
        case MountStep::Kind::ReadOnlyRoot: result = make_read_only(target, false); break;
        }
        if (result != 0) {
            failed_step = i;
            return errno != 0 ? errno : EINVAL;
        }
    }
    return 0;
}

std::string describe_failure(const MountStep& step, int error)
{
    std::string what;
    switch (step.kind) {
    case MountStep::Kind::Mkdir: what = "mkdir " + step.target; break;
    case MountStep::Kind::Touch: what = "create " + step.target; break;
    case MountStep::Kind::Symlink: what = "symlink " + step.target; break;
    case MountStep::Kind::BindRO: what = "bind " + step.source + " read-only onto " + step.target; break;
    case MountStep::Kind::BindRW: what = "bind " + step.source + " onto " + step.target; break;
    case MountStep::Kind::Tmpfs:
    case MountStep::Kind::RootTmpfs: what = "mount a tmpfs (" + step.data + ") on " + step.target; break;
    case MountStep::Kind::PivotRoot: what = "pivot_root to " + step.target; break;
    case MountStep::Kind::ReadOnlyRoot: what = "make the new root read-only"; break;
    }
    return what + ": " + std::strerror(error);
}

} // namespace lambda_emu::process
