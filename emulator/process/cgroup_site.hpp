#pragma once
// Where this emulator may make its environments' cgroups, and which cgroup version that is: the
// one question whose answer differs between machines (docs/lambda-numbers.md).
//
// cgroup v1, where the machine mounts the hierarchies cpu, cpuacct, memory, freezer and pids (an
// older or hybrid host: this project's machines): one group per hierarchy, each beneath the
// emulator's own group in it. cgroup v2, where a unified hierarchy offers cpu, memory and pids to
// the emulator's own group and it may enable them for its children (root in a container of its
// own, or a delegated subtree). Neither: the emulator works without (process/freezer.hpp,
// process/memory_guard.hpp) and says so.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::process {

enum class CgroupVersion { V1, V2 };
const char* to_string(CgroupVersion version); // "cgroup-v1", "cgroup-v2"

struct CgroupSite {
    CgroupVersion version = CgroupVersion::V1;
    // v1: the emulator's own group in each needed hierarchy, one path per distinct hierarchy
    // (cpu and cpuacct are often one, mounted as "cpu,cpuacct"). v2: the emulator's own group.
    std::filesystem::path cpu, cpuacct, memory, freezer, pids;
    // v2: the emulator's own group. v1: the same where the machine also mounts a writable cgroup
    // v2 hierarchy (a hybrid host), even one without controllers: its freezer (cgroup.freeze, a
    // core file of every v2 group) freezes and thaws an environment in about 8 us where v1's
    // freezer.state takes about 110; then the v1 freezer hierarchy is not used. Empty: none.
    std::filesystem::path unified;

    // Whether environments freeze through v2's cgroup.freeze rather than v1's freezer.state.
    bool freezes_with_v2() const { return !unified.empty(); }
};

// What v1 hierarchies hold: which group of each the process is in (/proc/self/cgroup) and where
// each is mounted (/proc/self/mountinfo). Parsed separately for the unit tests.
struct CgroupMount {
    std::string type;                 // "cgroup" or "cgroup2"
    std::vector<std::string> options; // its super options: the controllers of a v1 hierarchy
    std::filesystem::path root;       // the group the mount shows at its top (a namespace's, say)
    std::filesystem::path mount_point;
};
std::vector<CgroupMount> parse_cgroup_mounts(const std::string& mountinfo);
// "4:memory:/a/b" -> {"memory"} -> "/a/b"; the v2 line "0::/x" under the key "".
std::vector<std::pair<std::vector<std::string>, std::string>> parse_own_cgroups(const std::string& proc_self_cgroup);

struct CgroupSiteResult {
    std::optional<CgroupSite> site;
    std::string why_not; // when none: one line saying why, for the fallback's line
};

// Looks, reading /proc only (no group is made). Removes what an earlier emulator killed with
// SIGKILL left in the site: empty groups named for a pid that no longer runs.
CgroupSiteResult find_cgroup_site();

} // namespace lambda_emu::process
