#pragma once
// The filesystem of Lambda's sandbox as a list of mount steps: computed in the emulator (paths,
// directory listings, sizes: everything that allocates), carried out in a forked child with
// nothing but system calls (after fork only async-signal-safe work is safe).
//
// The new root is a tmpfs holding Lambda's view and nothing of the developer's machine: the
// machine's system folders read-only (/usr, /bin, /sbin, /lib*, /etc: its interpreters and
// libraries), the function's folder read-only at /var/task, the staged layers read-only at /opt,
// a private writable /tmp of the ephemeral storage's size, a minimal /dev with a private, bounded
// /dev/shm, the /proc of the environment's own PID namespace, and /etc's passwd, group and hosts
// of the sandbox's own (sbx_user1051; sandbox and sandbox.localdomain). Not /root, /home, /run,
// /sys, /var's host folders or the checkout. Every bind is nosuid; every host folder is nodev.
#include <filesystem>
#include <string>
#include <vector>

namespace lambda_emu::process {

struct MountStep {
    enum class Kind {
        Mkdir,        // target
        Touch,        // target: an empty file, a mount point for a file
        Symlink,      // source is the link's text, target the link
        BindRO,       // source onto target, recursively, then read-only, nosuid, nodev (submounts too)
        BindDevice,   // a device node onto target: writable, nosuid
        Tmpfs,        // a tmpfs at target with `data` as its options ("size=512m,mode=1777")
        RootTmpfs,    // the new root's own tmpfs at target
        Proc,         // the /proc of the PID namespace of the process carrying out the plan
        ReadOnly,     // the mount at target itself becomes read-only (its binds are already)
        PivotRoot,    // target becomes /, the old root is detached and forgotten
        ReadOnlyRoot, // the new root's tmpfs itself becomes read-only (its binds are already)
    };
    Kind kind;
    std::string source;
    std::string target;
    std::string data;
};

struct SandboxLayout {
    std::filesystem::path task_root;       // bound at /var/task
    std::filesystem::path staged_opt;      // bound at /opt
    std::filesystem::path hosts_file;      // bound over /etc/hosts
    std::filesystem::path passwd_file;     // bound over /etc/passwd
    std::filesystem::path group_file;      // bound over /etc/group
    std::filesystem::path empty_file;      // bound over what /etc must not show (shadow, gshadow)
    std::filesystem::path root_mountpoint; // an empty directory: the new root's tmpfs goes there
    int ephemeral_storage_mb = 512;        // /tmp's size
    int shm_size_mb = 128;                 // /dev/shm's size: the memory size, which it cannot outgrow
    // Folders of the host the sandbox hides that hold an --extension, the bootstrap or a managed
    // runtime's client: each bound read-only at /var/lambda-emu/extensions/<index>.
    std::vector<std::filesystem::path> hidden_host_dirs;
    // A managed runtime's interpreter installed outside the system's folders (pyenv's): bound
    // read-only at its own path, since it finds its libraries there by absolute paths.
    std::vector<std::filesystem::path> installations;
};

inline constexpr const char* kHiddenExtensionsInside = "/var/lambda-emu/extensions";

// Whether `path` is `folder` or inside it, by whole names ("/optimal" is not under "/opt").
bool is_under(const std::filesystem::path& path, const std::filesystem::path& folder);

// Whether the sandbox shows the host's `path` where it is (under /usr, /bin, /lib, /etc, ...).
bool shown_inside(const std::filesystem::path& path);

std::vector<MountStep> plan_mounts(const SandboxLayout& layout);

// Carries out `steps` in the calling process (already in its own user, mount and PID namespaces).
// Returns 0, or the errno of the first step that failed with its index in `failed_step`.
// Async-signal-safe: system calls on strings prepared beforehand, no allocation.
int carry_out(const std::vector<MountStep>& steps, std::size_t& failed_step) noexcept;

// One line for a failed step: "bind /x onto /y: Permission denied".
std::string describe_failure(const MountStep& step, int error);

} // namespace lambda_emu::process
