#include "cgroup_site.hpp"

#include "cgroup_files.hpp"
#include "process_table.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace lambda_emu::process {

namespace {

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in{text};
    while (std::getline(in, part, separator)) parts.push_back(part);
    return parts;
}

bool holds(const std::vector<std::string>& list, const std::string& item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

// The directory of the group `own` (as /proc/self/cgroup names it) under `mount`.
std::optional<std::filesystem::path> group_directory(const CgroupMount& mount, const std::string& own)
{
    const std::filesystem::path own_path{own};
    const auto relative = own_path.lexically_relative(mount.root);
    // A group outside what the mount shows (another namespace's mount): not reachable here.
    if (relative.empty() || *relative.begin() == "..") return std::nullopt;
    return (mount.mount_point / relative).lexically_normal();
}

// Writable by this process, as far as access(2) knows (a read-only mount included).
bool writable(const std::filesystem::path& directory)
{
    return ::access(directory.c_str(), W_OK | X_OK) == 0;
}

CgroupSiteResult find_v1(const std::vector<CgroupMount>& mounts,
                         const std::vector<std::pair<std::vector<std::string>, std::string>>& own)
{
    CgroupSite site;
    site.version = CgroupVersion::V1;
    for (const auto& [name, field] :
         {std::pair{"cpu", &CgroupSite::cpu}, std::pair{"cpuacct", &CgroupSite::cpuacct},
          std::pair{"memory", &CgroupSite::memory}, std::pair{"freezer", &CgroupSite::freezer},
          std::pair{"pids", &CgroupSite::pids}}) {
        const std::string controller{name}; // a lambda may not capture a structured binding (C++20)
        const auto mount = std::find_if(mounts.begin(), mounts.end(), [&](const CgroupMount& m) {
            return m.type == "cgroup" && holds(m.options, controller);
        });
        if (mount == mounts.end()) return {std::nullopt, "no cgroup v1 hierarchy for " + controller};
        const auto group =
            std::find_if(own.begin(), own.end(), [&](const auto& line) { return holds(line.first, controller); });
        if (group == own.end()) return {std::nullopt, "this process is in no " + controller + " group"};
        auto directory = group_directory(*mount, group->second);
        if (!directory) return {std::nullopt, "the " + controller + " group is not visible here"};
        if (!writable(*directory))
            return {std::nullopt, "cannot make cgroups in " + directory->string() + " (not root, no delegation)"};
        site.*field = *directory;
    }
    return {site, {}};
}

// The emulator's own group in the cgroup v2 hierarchy, if one is mounted and visible.
CgroupSiteResult own_v2_group(const std::vector<CgroupMount>& mounts,
                              const std::vector<std::pair<std::vector<std::string>, std::string>>& own)
{
    const auto mount =
        std::find_if(mounts.begin(), mounts.end(), [](const CgroupMount& m) { return m.type == "cgroup2"; });
    const auto group = std::find_if(own.begin(), own.end(), [](const auto& line) { return line.first.empty(); });
    if (mount == mounts.end() || group == own.end()) return {std::nullopt, "no cgroup v2 hierarchy"};
    auto directory = group_directory(*mount, group->second);
    if (!directory) return {std::nullopt, "this process's cgroup v2 group is not visible here"};
    CgroupSite site;
    site.version = CgroupVersion::V2;
    site.unified = *directory;
    return {site, {}};
}

CgroupSiteResult find_v2(const std::vector<CgroupMount>& mounts,
                         const std::vector<std::pair<std::vector<std::string>, std::string>>& own)
{
    auto found = own_v2_group(mounts, own);
    if (!found.site) return found;
    const auto directory = found.site->unified;
    std::string offered = read_cgroup_file(directory / "cgroup.controllers");
    std::replace(offered.begin(), offered.end(), '\n', ' ');
    const auto controllers = split(offered, ' ');
    for (const std::string needed : {"cpu", "memory", "pids"}) {
        if (!holds(controllers, needed))
            return {std::nullopt, "cgroup v2 offers no " + needed + " controller to " + directory.string()};
    }
    if (!writable(directory))
        return {std::nullopt, "cannot make cgroups in " + directory.string() + " (not root, no delegation)"};
    return found;
}

// "lambda-emu-PID-N" of an emulator that is no longer running (killed with SIGKILL).
bool abandoned(const std::filesystem::path& group)
{
    const std::string name = group.filename().string();
    constexpr std::string_view prefix = "lambda-emu-";
    if (name.rfind(prefix, 0) != 0) return false;
    const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
    return owner > 0 && owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH;
}

// Removes the groups an emulator killed with SIGKILL left in `parents`. Its processes got SIGKILL
// when it died, but a frozen one (cgroup v1's freezer) cannot act on it until thawed: so first
// SIGKILL to every member and a thaw, in every hierarchy, then the groups go once empty.
void remove_abandoned(const std::vector<std::filesystem::path>& parents)
{
    std::vector<std::filesystem::path> groups;
    for (const auto& parent : parents) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator{parent, ec}) {
            if (entry.is_directory(ec) && abandoned(entry.path())) groups.push_back(entry.path());
        }
    }
    for (const auto& group : groups) {
        for (const pid_t pid : read_pids(group / "cgroup.procs")) ::kill(pid, SIGKILL);
        write_cgroup_file(group / "freezer.state", "THAWED"); // v1's freezer hierarchy
        write_cgroup_file(group / "cgroup.freeze", "0");      // v2
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds{500};
    for (const auto& group : groups) {
        while (::rmdir(group.c_str()) != 0 && errno == EBUSY && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
}

} // namespace

const char* to_string(CgroupVersion version)
{
    return version == CgroupVersion::V2 ? "cgroup-v2" : "cgroup-v1";
}

std::vector<CgroupMount> parse_cgroup_mounts(const std::string& mountinfo)
{
    // "36 31 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer"
    std::vector<CgroupMount> mounts;
    for (const auto& line : split(mountinfo, '\n')) {
        const auto fields = split(line, ' ');
        const auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || std::distance(dash, fields.end()) < 4) continue;
        CgroupMount mount;
        mount.type = *(dash + 1);
        if (mount.type != "cgroup" && mount.type != "cgroup2") continue;
        mount.root = fields[3];
        mount.mount_point = fields[4];
        mount.options = split(*(dash + 3), ',');
        mounts.push_back(std::move(mount));
    }
    return mounts;
}

std::vector<std::pair<std::vector<std::string>, std::string>> parse_own_cgroups(const std::string& proc_self_cgroup)
{
    std::vector<std::pair<std::vector<std::string>, std::string>> groups;
    for (const auto& line : split(proc_self_cgroup, '\n')) {
        const auto first = line.find(':');
        const auto second = first == std::string::npos ? std::string::npos : line.find(':', first + 1);
        if (second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        groups.emplace_back(controllers.empty() ? std::vector<std::string>{} : split(controllers, ','),
                            line.substr(second + 1));
    }
    return groups;
}

CgroupSiteResult find_cgroup_site()
{
    const auto mounts = parse_cgroup_mounts(read_proc_file("/proc/self/mountinfo"));
    const auto own = parse_own_cgroups(read_proc_file("/proc/self/cgroup"));
    auto v1 = find_v1(mounts, own);
    if (v1.site) {
        // A hybrid host: v2's freezer beside v1's controllers, where this process may make groups.
        if (const auto v2 = own_v2_group(mounts, own); v2.site && writable(v2.site->unified))
            v1.site->unified = v2.site->unified;
    }
    CgroupSiteResult found = v1.site ? std::move(v1) : find_v2(mounts, own);
    if (!found.site) {
        // v1 was the nearer miss when its hierarchies exist at all.
        const bool any_v1 =
            std::any_of(mounts.begin(), mounts.end(), [](const CgroupMount& m) { return m.type == "cgroup"; });
        if (any_v1 && v1.why_not.rfind("no cgroup v1", 0) != 0) found.why_not = v1.why_not;
        return found;
    }
    const auto& site = *found.site;
    if (site.version == CgroupVersion::V2) remove_abandoned({site.unified});
    else remove_abandoned({site.cpu, site.cpuacct, site.memory, site.freezer, site.pids, site.unified});
    return found;
}

} // namespace lambda_emu::process
