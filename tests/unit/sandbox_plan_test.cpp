// The sandbox's mount plan: what the child that makes the namespaces will do, computed before
// the fork (tests/integration/test_sandbox.py runs it for real).
#include "process/function_user.hpp"
#include "process/mount_plan.hpp"
#include "process/sandbox.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using lambda_emu::process::MountStep;
using Kind = MountStep::Kind;

namespace {

lambda_emu::process::SandboxLayout layout()
{
    lambda_emu::process::SandboxLayout layout;
    layout.task_root = "/home/me/function";
    layout.staged_opt = "/tmp/lambda-emu-opt-x";
    layout.hosts_file = "/tmp/lambda-emu-sandbox-x/hosts";
    layout.passwd_file = "/tmp/lambda-emu-sandbox-x/passwd";
    layout.group_file = "/tmp/lambda-emu-sandbox-x/group";
    layout.empty_file = "/tmp/lambda-emu-sandbox-x/empty";
    layout.shm_size_mb = 256;
    layout.root_mountpoint = "/tmp/lambda-emu-sandbox-x/root";
    layout.ephemeral_storage_mb = 600;
    layout.hidden_host_dirs = {"/tmp/extensions"};
    return layout;
}

bool has(const std::vector<MountStep>& steps, Kind kind, const std::string& source, const std::string& target)
{
    return std::any_of(steps.begin(), steps.end(), [&](const MountStep& step) {
        return step.kind == kind && step.source == source && step.target == target;
    });
}

} // namespace

TEST_CASE("the sandbox's plan: the code read-only at /var/task, layers at /opt, a private /tmp of its size")
{
    const auto steps = lambda_emu::process::plan_mounts(layout());
    const std::string root = "/tmp/lambda-emu-sandbox-x/root";
    REQUIRE(steps.size() > 3);
    CHECK(steps.front().kind == Kind::RootTmpfs);
    CHECK(has(steps, Kind::BindRO, "/home/me/function", root + "/var/task"));
    CHECK(has(steps, Kind::BindRO, "/tmp/lambda-emu-opt-x", root + "/opt"));
    CHECK(has(steps, Kind::BindRO, "/tmp/lambda-emu-sandbox-x/hosts", root + "/etc/hosts"));
    CHECK(has(steps, Kind::BindRO, "/tmp/extensions", root + "/var/lambda-emu/extensions/0"));
    // The environment's own /proc, not the host's.
    CHECK(has(steps, Kind::Proc, "", root + "/proc"));
    CHECK_FALSE(has(steps, Kind::BindRO, "/proc", root + "/proc"));
    const auto tmp = std::find_if(steps.begin(), steps.end(), [&](const MountStep& step) {
        return step.target == root + "/tmp" && step.kind == Kind::Tmpfs;
    });
    REQUIRE(tmp != steps.end());
    CHECK(tmp->data == "size=600m,mode=1777");
    // The host's /tmp and /opt are never bound in: the sandbox's own take their place.
    CHECK_FALSE(has(steps, Kind::BindRO, "/tmp", root + "/tmp"));
    CHECK_FALSE(has(steps, Kind::BindRO, "/opt", root + "/opt"));
    // The root turns read-only last, after pivot_root.
    CHECK(steps[steps.size() - 2].kind == Kind::PivotRoot);
    CHECK(steps.back().kind == Kind::ReadOnlyRoot);
}

TEST_CASE("the sandbox shows the machine's system folders and nothing else of it")
{
    const auto steps = lambda_emu::process::plan_mounts(layout());
    const std::string root = "/tmp/lambda-emu-sandbox-x/root";
    CHECK(has(steps, Kind::BindRO, "/usr", root + "/usr"));
    CHECK(has(steps, Kind::BindRO, "/etc", root + "/etc"));
    for (const char* hidden : {"/root", "/home", "/run", "/sys", "/srv", "/mnt", "/work", "/var/lib", "/dev"}) {
        CAPTURE(hidden);
        CHECK_FALSE(has(steps, Kind::BindRO, hidden, root + hidden));
    }
    // Who the users are and what the hostnames mean: the sandbox's own files.
    CHECK(has(steps, Kind::BindRO, "/tmp/lambda-emu-sandbox-x/passwd", root + "/etc/passwd"));
    CHECK(has(steps, Kind::BindRO, "/tmp/lambda-emu-sandbox-x/group", root + "/etc/group"));
    CHECK(lambda_emu::process::shown_inside("/usr/bin/python3"));
    CHECK_FALSE(lambda_emu::process::shown_inside("/root/.pyenv/bin/python3"));
    CHECK_FALSE(lambda_emu::process::shown_inside("/usrx/bin"));
}

TEST_CASE("the sandbox's /dev: a few devices, no kmsg, a private /dev/shm of the memory size")
{
    const auto steps = lambda_emu::process::plan_mounts(layout());
    const std::string dev = "/tmp/lambda-emu-sandbox-x/root/dev";
    CHECK(has(steps, Kind::Tmpfs, "", dev));
    CHECK(has(steps, Kind::BindDevice, "/dev/null", dev + "/null"));
    CHECK(has(steps, Kind::BindDevice, "/dev/urandom", dev + "/urandom"));
    CHECK_FALSE(has(steps, Kind::BindDevice, "/dev/kmsg", dev + "/kmsg"));
    const auto shm = std::find_if(steps.begin(), steps.end(), [&](const MountStep& step) {
        return step.target == dev + "/shm" && step.kind == Kind::Tmpfs;
    });
    REQUIRE(shm != steps.end());
    CHECK(shm->data == "size=256m,mode=1777");
}

TEST_CASE("the function's ids: sbx_user1051 inside, never root outside")
{
    using namespace lambda_emu::process;
    CHECK(function_uid_map(0) == "0 0 1\n993 65534 1\n");
    CHECK(function_gid_map(0, 0) == "0 0 1\n990 65534 1\n");
    CHECK(function_uid_map(1000) == "993 1000 1\n");
    CHECK(function_gid_map(1000, 1001) == "990 1001 1\n");
    CHECK(sandbox_passwd_file().find("sbx_user1051:x:993:990:") != std::string::npos);
}

TEST_CASE("the sandbox's hosts file names sandbox and sandbox.localdomain as 127.0.0.1")
{
    const std::string hosts = lambda_emu::process::sandbox_hosts_file();
    CHECK(hosts.find("127.0.0.1\tsandbox sandbox.localdomain\n") != std::string::npos);
    CHECK(hosts.find("127.0.0.1\tlocalhost") != std::string::npos);
}
