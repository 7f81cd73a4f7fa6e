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
constexpr std::uint64_t kMountAttrNoSuid = 0x2;
constexpr std::uint64_t kMountAttrNoDev = 0x4;

// Sets `attributes` on the mount at `path`, and with `recursive` on every mount below it: one
// call (Linux 5.12). In a user namespace these flags can be set but, once set on a mount the
// namespace did not make, never cleared again.
int set_attributes(const char* path, std::uint64_t attributes, bool recursive) noexcept
{
    MountAttributes change{attributes, 0, 0, 0};
    return static_cast<int>(
        ::syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &change, sizeof change));
}

std::string inside(const fs::path& root, const std::string& name)
{
    return (root / name).string();
}

// The host's top-level folders the function sees: what interpreters and libraries need. Merged
// /usr makes some of them symbolic links, copied as such.
const std::vector<std::string>& shown_top_level()
{
    static const std::vector<std::string> names{"bin", "etc", "lib", "lib32", "lib64", "libx32", "sbin", "usr"};
    return names;
}

// The host's entries `names` of its root bound under `root`: symbolic links copied, folders bound
// read-only.
void add_host_entries(std::vector<MountStep>& steps, const fs::path& root, const std::vector<std::string>& names)
{
    std::error_code ec;
    for (const auto& name : names) {
        const fs::path host = fs::path{"/"} / name;
        const std::string target = (root / name).string();
        const auto status = fs::symlink_status(host, ec);
        if (ec) continue;
        if (fs::is_symlink(status)) {
            const auto link = fs::read_symlink(host, ec);
            if (!ec) steps.push_back({MountStep::Kind::Symlink, link.string(), target, {}});
        } else if (fs::is_directory(status)) {
            steps.push_back({MountStep::Kind::Mkdir, {}, target, {}});
            steps.push_back({MountStep::Kind::BindRO, host.string(), target, {}});
        }
    }
}

// /etc is the host's, but for who the users are (sbx_user1051), the hostnames, and what no
// function may read even where its mode would let it (shadow files).
void add_etc_overlays(std::vector<MountStep>& steps, const fs::path& root, const SandboxLayout& layout)
{
    std::error_code ec;
    const std::pair<const char*, const fs::path*> own[] = {
        {"passwd", &layout.passwd_file}, {"group", &layout.group_file}, {"hosts", &layout.hosts_file}};
    for (const auto& [name, file] : own) {
        if (!file->empty() && fs::exists(fs::path{"/etc"} / name, ec))
            steps.push_back({MountStep::Kind::BindRO, file->string(), inside(root, std::string{"etc/"} + name), {}});
    }
    if (layout.empty_file.empty()) return;
    for (const char* name : {"shadow", "shadow-", "gshadow", "gshadow-"}) {
        if (fs::is_regular_file(fs::path{"/etc"} / name, ec))
            steps.push_back(
                {MountStep::Kind::BindRO, layout.empty_file.string(), inside(root, std::string{"etc/"} + name), {}});
    }
}

// Lambda's /dev: the few devices a program opens, its descriptors, and a private /dev/shm.
void add_dev(std::vector<MountStep>& steps, const fs::path& root, int shm_size_mb)
{
    const std::string dev = inside(root, "dev");
    steps.push_back({MountStep::Kind::Mkdir, {}, dev, {}});
    steps.push_back({MountStep::Kind::Tmpfs, {}, dev, "size=64k,mode=0755"});
    std::error_code ec;
    for (const char* name : {"null", "zero", "full", "random", "urandom", "tty"}) {
        const fs::path host = fs::path{"/dev"} / name;
        if (!fs::is_character_file(host, ec)) continue;
        steps.push_back({MountStep::Kind::Touch, {}, dev + "/" + name, {}});
        steps.push_back({MountStep::Kind::BindDevice, host.string(), dev + "/" + name, {}});
    }
    steps.push_back({MountStep::Kind::Symlink, "/proc/self/fd", dev + "/fd", {}});
    steps.push_back({MountStep::Kind::Symlink, "/proc/self/fd/0", dev + "/stdin", {}});
    steps.push_back({MountStep::Kind::Symlink, "/proc/self/fd/1", dev + "/stdout", {}});
    steps.push_back({MountStep::Kind::Symlink, "/proc/self/fd/2", dev + "/stderr", {}});
    steps.push_back({MountStep::Kind::Mkdir, {}, dev + "/shm", {}});
    steps.push_back({MountStep::Kind::Tmpfs, {}, dev + "/shm", "size=" + std::to_string(shm_size_mb) + "m,mode=1777"});
    steps.push_back({MountStep::Kind::ReadOnly, {}, dev, {}});
}

} // namespace

bool is_under(const fs::path& path, const fs::path& folder)
{
    const auto [folder_end, path_at] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
    return folder_end == folder.end();
}

bool shown_inside(const fs::path& path)
{
    const fs::path normal = path.lexically_normal();
    for (const auto& name : shown_top_level()) {
        if (is_under(normal, fs::path{"/"} / name)) return true;
    }
    return false;
}

std::vector<MountStep> plan_mounts(const SandboxLayout& layout)
{
    const fs::path& root = layout.root_mountpoint;
    std::vector<MountStep> steps;
    steps.push_back({MountStep::Kind::RootTmpfs, {}, root.string(), "mode=0755"});
    add_host_entries(steps, root, shown_top_level());
    add_etc_overlays(steps, root, layout);

    steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, "var"), {}});
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
    for (const auto& installation : layout.installations) {
        // The folders above it exist only as empty directories on the new root's tmpfs.
        fs::path at = "/";
        for (const auto& part : installation.relative_path()) {
            at /= part;
            steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, at.relative_path().string()), {}});
        }
        steps.push_back(
            {MountStep::Kind::BindRO, installation.string(), inside(root, installation.relative_path().string()), {}});
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
    add_dev(steps, root, layout.shm_size_mb);
    // Mounted while the host's /proc is still in view: the kernel lets a user namespace mount a
    // proc only where one is fully visible already.
    steps.push_back({MountStep::Kind::Mkdir, {}, inside(root, "proc"), {}});
    steps.push_back({MountStep::Kind::Proc, {}, inside(root, "proc"), {}});
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
            if (result == 0)
                result = set_attributes(target, kMountAttrReadOnly | kMountAttrNoSuid | kMountAttrNoDev, true);
            break;
        case MountStep::Kind::BindDevice:
            result = ::mount(step.source.c_str(), target, nullptr, MS_BIND, nullptr);
            if (result == 0) result = set_attributes(target, kMountAttrNoSuid, false);
            break;
        case MountStep::Kind::Proc:
            result = ::mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
            break;
        case MountStep::Kind::ReadOnly: result = set_attributes(target, kMountAttrReadOnly, false); break;
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
        case MountStep::Kind::ReadOnlyRoot: result = set_attributes(target, kMountAttrReadOnly, false); break;
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
    case MountStep::Kind::BindDevice: what = "bind the device " + step.source + " onto " + step.target; break;
    case MountStep::Kind::Proc: what = "mount the PID namespace's /proc on " + step.target; break;
    case MountStep::Kind::ReadOnly: what = "make " + step.target + " read-only"; break;
    case MountStep::Kind::Tmpfs:
    case MountStep::Kind::RootTmpfs: what = "mount a tmpfs (" + step.data + ") on " + step.target; break;
    case MountStep::Kind::PivotRoot: what = "pivot_root to " + step.target; break;
    case MountStep::Kind::ReadOnlyRoot: what = "make the new root read-only"; break;
    }
    return what + ": " + std::strerror(error);
}

} // namespace lambda_emu::process
