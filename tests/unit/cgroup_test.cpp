// The cgroup module's pure parts: where a process's groups are, from /proc's own words, the
// quota Lambda's proportion gives, and reading the kernel's "key value" files. (Making real
// groups is the integration tests' part: test_lambda_numbers.py.)
#include "core/cpu_allocation.hpp"
#include "process/cgroup_files.hpp"
#include "process/cgroup_site.hpp"
#include "process/environment_cgroup.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;

TEST_CASE("Lambda's CPU: memory / 1,769 MB of one vCPU, at most six, as a CFS quota of 100 ms periods")
{
    CHECK(core::lambda_vcpus(1769) == doctest::Approx(1.0));
    CHECK(core::lambda_vcpus(128) == doctest::Approx(0.0723).epsilon(0.001));
    CHECK(core::lambda_vcpus(10240) == doctest::Approx(5.789).epsilon(0.001));
    CHECK(process::cpu_quota_us(core::lambda_vcpus(128)) == 7236);
    CHECK(process::cpu_quota_us(core::lambda_vcpus(1769)) == 100000);
    CHECK(process::cpu_quota_us(core::lambda_vcpus(3008)) == 170040);
    CHECK(process::cpu_quota_us(0.001) == 1000); // the kernel's minimum
}

TEST_CASE("v1 hierarchies and the v2 mount are found in mountinfo, with the group each shows at its top")
{
    const std::string mountinfo =
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
        "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
        "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n";
    const auto mounts = process::parse_cgroup_mounts(mountinfo);
    REQUIRE(mounts.size() == 3);
    CHECK(mounts[0].type == "cgroup");
    CHECK(mounts[0].mount_point == "/sys/fs/cgroup/cpu,cpuacct");
    CHECK(mounts[0].options == std::vector<std::string>{"rw", "cpu", "cpuacct"});
    CHECK(mounts[1].root == "/docker/abc");
    CHECK(mounts[2].type == "cgroup2"); // optional fields ("shared:9") before the dash are skipped
    CHECK(mounts[2].mount_point == "/sys/fs/cgroup/unified");
}

TEST_CASE("the process's own groups: v1 lines by controller, the v2 line under no controller")
{
    const auto groups = process::parse_own_cgroups("4:memory:/process_api/44d3\n"
                                                   "2:cpu,cpuacct:/\n"
                                                   "1:name=systemd:/user.slice\n"
                                                   "0::/user.slice/user-1000.slice/session-2.scope\n");
    REQUIRE(groups.size() == 4);
    CHECK(groups[0].first == std::vector<std::string>{"memory"});
    CHECK(groups[0].second == "/process_api/44d3");
    CHECK(groups[1].first == std::vector<std::string>{"cpu", "cpuacct"});
    CHECK(groups[3].first.empty());
    CHECK(groups[3].second == "/user.slice/user-1000.slice/session-2.scope");
}

TEST_CASE("keyed values: the number after an exact key, not after a longer key that starts with it")
{
    const std::string oom_control = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
    CHECK(process::keyed_value(oom_control, "oom_kill") == 3U);
    CHECK(process::keyed_value(oom_control, "under_oom") == 0U);
    CHECK_FALSE(process::keyed_value(oom_control, "oom"));
    CHECK(process::keyed_value("usage_usec 1234\nuser_usec 1000", "usage_usec") == 1234U);
    CHECK_FALSE(process::keyed_value("usage_usec x", "usage_usec"));
}
