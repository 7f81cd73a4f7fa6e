#pragma once
// The filesystem of Lambda's sandbox as a list of mount steps: computed in the emulator (paths,
// directory listings, sizes: everything that allocates), carried out in a forked child with
// nothing but system calls (after fork only async-signal-safe work is safe).
//
// The new root is a tmpfs holding a read-only bind of each entry of the host's root (so the
// machine's interpreters and libraries still work), /var with the function's folder read-only
// at /var/task (LAMBDA-SPEC 5.1), the staged layers read-only at /opt, a private writable /tmp of
// the ephemeral storage's size, and /etc/hosts naming sandbox and sandbox.localdomain.
#include <filesystem>
#include <string>
#include <vector>

namespace lambda_emu::process {

struct MountStep {
    enum class Kind {
        Mkdir,        // target
        Touch,        // target: an empty file, a mount point for a file
        Symlink,      // source is the link's text, target the link
        BindRO,       // source onto target, recursively, then read-only (all submounts too)
        BindRW,       // source onto target, recursively (/proc, /dev: writable as on Lambda)
        Tmpfs,        // a tmpfs at target with `data` as its options ("size=512m,mode=1777")
        RootTmpfs,    // the new root's own tmpfs at target
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
    std::filesystem::path root_mountpoint; // an empty directory: the new root's tmpfs goes there
    int ephemeral_storage_mb = 512;        // /tmp's size
    // Folders of the host the sandbox would hide (under /tmp or /opt) that hold an --extension, the
    // bootstrap or a managed runtime's client: each bound read-only at
    // /var/lambda-emu/extensions/<index>.
    std::vector<std::filesystem::path> hidden_host_dirs;
};

inline constexpr const char* kHiddenExtensionsInside = "/var/lambda-emu/extensions";

std::vector<MountStep> plan_mounts(const SandboxLayout& layout);

// Carries out `steps` in the calling process (already in its own user and mount namespaces).
// Returns 0, or the errno of the first step that failed with its index in `failed_step`.
// Async-signal-safe: system calls on strings prepared beforehand, no allocation.
int carry_out(const std::vector<MountStep>& steps, std::size_t& failed_step) noexcept;

// One line for a failed step: "bind /x onto /y: Permission denied".
std::string describe_failure(const MountStep& step, int error);

} // namespace lambda_emu::process
