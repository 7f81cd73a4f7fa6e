#pragma once
// Lambda's sandbox without Docker or root: a user, a mount and a PID namespace per execution
// environment (see mount_plan.hpp for what is inside, function_user.hpp for who runs there).
//
// The emulator clones the environment's init straight into the three new namespaces: it is PID 1
// there, makes the mounts, then only reaps what is orphaned inside (as Lambda's own init does)
// until the environment goes. The emulator keeps the namespaces by their descriptors, and every
// runtime and extension the environment starts enters them between fork and exec (setns), then
// is cloned once more with CLONE_PARENT: the emulator is its parent, so it still reaps, signals
// and measures the real process by its host pid, while the function sees only its own
// environment's processes and cannot signal anything outside it. The runtime is never PID 1, so
// SIGTERM and SIGKILL act on it as on Lambda (a PID 1 ignores signals it has no handler for).
// Everything the environment started dies with its init: the kernel kills a PID namespace's
// processes when its init exits, and the init dies with the emulator (parent-death signal).
// /tmp is the environment's: it outlives each runtime (Lambda keeps /tmp across resets).
#include "mount_plan.hpp"
#include "staged_directory.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

// The environment's init, executed anew once its mounts are made: main() calls this when it runs
// as one (named "init", with LAMBDA_EMU_ENVIRONMENT_INIT naming the descriptor whose end means
// the environment is gone), before anything else.
[[noreturn]] void run_as_environment_init(const char* release_fd);

// What a child enters before exec: descriptors of the environment's namespaces.
struct SandboxEntry {
    int user_namespace = -1;
    int mount_namespace = -1;
    int pid_namespace = -1;
};

// Why this machine cannot make the sandbox (no unprivileged user namespaces), in words for one
// line; empty when it can. Asks the kernel (a child tries). LAMBDA_EMU_TEST_NO_USERNS=1 is a
// test-only switch that simulates a kernel without them.
std::string user_namespaces_unavailable();

class Sandbox {
public:
    // Makes the namespaces for `layout`; `executables` (the runtime's and the extensions') and
    // `folders` (a managed runtime's client) are made visible inside where the sandbox would hide
    // them (under /tmp or /opt: a checkout or an install there). Blocks for the few
    // milliseconds the mounts take, once per environment.
    static std::unique_ptr<Sandbox> create(SandboxLayout layout, const std::vector<std::filesystem::path>& executables,
                                           const std::vector<std::filesystem::path>& folders, std::string& error);
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    SandboxEntry entry() const { return {user_namespace_, mount_namespace_, pid_namespace_}; }
    // The environment's init (PID 1 inside), by its pid outside: whatever is orphaned inside
    // becomes its child, not the emulator's.
    pid_t init_pid() const { return init_pid_; }
    // Ends a sandbox no process ever entered (a trial) and reaps its init, which nothing delays.
    void end_unused();
    // Where the host's `path` is seen inside: /var/task/..., /opt/..., under
    // /var/lambda-emu/extensions/N/ in a folder made visible, itself elsewhere.
    std::filesystem::path inside_path(const std::filesystem::path& path) const;

private:
    Sandbox() = default;
    SandboxLayout layout_;
    std::unique_ptr<StagedDirectory> staged_; // the new root's mount point and the hosts file
    int user_namespace_ = -1;
    int mount_namespace_ = -1;
    int pid_namespace_ = -1;
    pid_t init_pid_ = -1;
    int release_fd_ = -1; // closed: the init exits, and the kernel kills what is left inside
};

// The /etc/hosts of the sandbox: localhost, and sandbox and sandbox.localdomain as 127.0.0.1,
// the names Telemetry API listeners bind to (docs/lambda-rules.md §3: destinations).
std::string sandbox_hosts_file();

} // namespace lambda_emu::process
