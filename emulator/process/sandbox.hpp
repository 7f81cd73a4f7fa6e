#pragma once
// Lambda's sandbox without Docker or root: a user namespace and a mount namespace per execution
// environment (see mount_plan.hpp for what is inside). A short-lived child makes them, the
// emulator keeps them by their descriptors, and every runtime and extension the environment
// starts enters them between fork and exec (setns). So they share one private /tmp, which
// outlives each runtime (Lambda keeps /tmp across resets) and goes with the environment. There
// is no PID namespace: the emulator signals and measures the real processes.
#include "mount_plan.hpp"
#include "staged_directory.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::process {

// What a child enters before exec: descriptors of the environment's namespaces.
struct SandboxEntry {
    int user_namespace = -1;
    int mount_namespace = -1;
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

    SandboxEntry entry() const { return {user_namespace_, mount_namespace_}; }
    // Where the host's `path` is seen inside: /var/task/..., /opt/..., under
    // /var/lambda-emu/extensions/N/ in a folder made visible, itself elsewhere.
    std::filesystem::path inside_path(const std::filesystem::path& path) const;

private:
    Sandbox() = default;
    SandboxLayout layout_;
    std::unique_ptr<StagedDirectory> staged_; // the new root's mount point and the hosts file
    int user_namespace_ = -1;
    int mount_namespace_ = -1;
};

// The /etc/hosts of the sandbox: localhost, and sandbox and sandbox.localdomain as 127.0.0.1,
// the names Telemetry API listeners bind to (LAMBDA-SPEC 3: destinations).
std::string sandbox_hosts_file();

} // namespace lambda_emu::process
