#include "environment_cgroup.hpp"

#include "cgroup_files.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace lambda_emu::process {

namespace {

constexpr long kMinimumQuotaUs = 1000;
// How long removal waits for the killed processes to leave the group (their exit, not their reaping).
constexpr std::chrono::milliseconds kEmptyingPatience{2000};

std::string why(const std::filesystem::path& path, int error)
{
    return path.string() + ": " + std::strerror(error);
}

} // namespace

long cpu_quota_us(double cpus)
{
    return std::max(kMinimumQuotaUs, std::lround(cpus * static_cast<double>(kCpuPeriodUs)));
}

std::unique_ptr<EnvironmentCgroup> EnvironmentCgroup::create(const CgroupSite& site, const std::string& name,
                                                             const CgroupLimits& limits, std::string& error)
{
    std::unique_ptr<EnvironmentCgroup> cgroup{new EnvironmentCgroup{site, name}};
    for (const auto& directory : cgroup->directories()) {
        if (::mkdir(directory.c_str(), 0755) != 0) {
            error = "cannot make the environment's cgroup " + why(directory, errno);
            return nullptr; // the destructor removes what was made
        }
        cgroup->made_.push_back(directory);
    }
    if (cgroup->apply(limits, error) != 0) return nullptr;
    for (const auto& directory : cgroup->made_) {
        OwnedFd procs{::open((directory / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC)};
        if (!procs) {
            error = "cannot open " + why(directory / "cgroup.procs", errno);
            return nullptr;
        }
        cgroup->procs_.push_back(std::move(procs));
    }
    cgroup->watch_oom();
    return cgroup;
}

EnvironmentCgroup::~EnvironmentCgroup()
{
    remove();
}

std::vector<std::filesystem::path> EnvironmentCgroup::directories() const
{
    if (site_.version == CgroupVersion::V2) return {site_.unified / name_};
    std::vector<std::filesystem::path> found;
    const auto& freezer = site_.freezes_with_v2() ? site_.unified : site_.freezer;
    for (const auto& parent : {site_.cpu, site_.cpuacct, site_.memory, site_.pids, freezer}) {
        const auto directory = parent / name_;
        if (std::find(found.begin(), found.end(), directory) == found.end()) found.push_back(directory);
    }
    return found;
}

std::filesystem::path EnvironmentCgroup::in(const std::filesystem::path CgroupSite::*hierarchy, const char* file) const
{
    if (site_.version == CgroupVersion::V2) return site_.unified / name_ / file;
    return site_.*hierarchy / name_ / file;
}

std::filesystem::path EnvironmentCgroup::freezer_group() const
{
    return (site_.freezes_with_v2() ? site_.unified : site_.freezer) / name_;
}

int EnvironmentCgroup::apply(const CgroupLimits& limits, std::string& error)
{
    const long long memory_bytes = static_cast<long long>(limits.memory_mb) * 1024 * 1024;
    const long quota = limits.cpus > 0 ? cpu_quota_us(limits.cpus) : -1;
    struct Setting {
        std::filesystem::path file;
        std::string value;
        bool optional; // a kernel without it (no swap accounting) still limits memory
    };
    std::vector<Setting> settings;
    if (site_.version == CgroupVersion::V1) {
        settings = {
            {in(&CgroupSite::cpu, "cpu.cfs_period_us"), std::to_string(kCpuPeriodUs), false},
            {in(&CgroupSite::cpu, "cpu.cfs_quota_us"), std::to_string(quota), false},
            {in(&CgroupSite::memory, "memory.limit_in_bytes"), std::to_string(memory_bytes), false},
            // Swap off: memory plus swap may not exceed memory (set after the memory limit, which it must not
            // undercut).
            {in(&CgroupSite::memory, "memory.memsw.limit_in_bytes"), std::to_string(memory_bytes), true},
            {in(&CgroupSite::memory, "memory.swappiness"), "0", true},
            {in(&CgroupSite::pids, "pids.max"), std::to_string(limits.tasks), false},
        };
    } else {
        // The controllers for the environments' groups, enabled once in the emulator's own group.
        const auto control = site_.unified / "cgroup.subtree_control";
        if (const int failed = write_cgroup_file(control, "+cpu +memory +pids"); failed != 0) {
            error = "cannot enable the cpu, memory and pids controllers: " + why(control, failed);
            return failed;
        }
        settings = {
            {in(nullptr, "cpu.max"), (quota < 0 ? "max" : std::to_string(quota)) + " " + std::to_string(kCpuPeriodUs),
             false},
            {in(nullptr, "memory.max"), std::to_string(memory_bytes), false},
            {in(nullptr, "memory.swap.max"), "0", true},
            {in(nullptr, "pids.max"), std::to_string(limits.tasks), false},
        };
    }
    for (const auto& setting : settings) {
        const int failed = write_cgroup_file(setting.file, setting.value);
        if (failed != 0 && !(setting.optional && failed == ENOENT)) {
            error = "cannot set " + why(setting.file, failed);
            return failed;
        }
    }
    const auto peak = site_.version == CgroupVersion::V2 ? in(nullptr, "memory.peak")
                                                         : in(&CgroupSite::memory, "memory.max_usage_in_bytes");
    peak_ = OwnedFd{::open(peak.c_str(), O_RDWR | O_CLOEXEC)};
    const auto freeze = freezer_group() / (site_.freezes_with_v2() ? "cgroup.freeze" : "freezer.state");
    freeze_control_ = OwnedFd{::open(freeze.c_str(), O_WRONLY | O_CLOEXEC)};
    if (!freeze_control_) {
        error = "cannot open " + why(freeze, errno);
        return errno;
    }
    return 0;
}

void EnvironmentCgroup::watch_oom()
{
    if (site_.version == CgroupVersion::V1) {
        // cgroup v1's notification: an eventfd signalled when the group runs out of memory.
        OwnedFd notice{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
        const OwnedFd control{::open(in(&CgroupSite::memory, "memory.oom_control").c_str(), O_RDONLY | O_CLOEXEC)};
        if (!notice || !control) return;
        const std::string registration = std::to_string(notice.get()) + " " + std::to_string(control.get());
        if (write_cgroup_file(in(&CgroupSite::memory, "cgroup.event_control"), registration) == 0)
            oom_notice_ = std::move(notice);
        return;
    }
    OwnedFd notice{::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
    if (notice && ::inotify_add_watch(notice.get(), in(nullptr, "memory.events").c_str(), IN_MODIFY) >= 0)
        oom_notice_ = std::move(notice);
}

void EnvironmentCgroup::take_oom_notice() const
{
    if (!oom_notice_) return;
    char drained[4096];
    while (::read(oom_notice_.get(), drained, sizeof drained) > 0) {}
}

std::vector<int> EnvironmentCgroup::join_descriptors() const
{
    std::vector<int> fds;
    for (const auto& procs : procs_) fds.push_back(procs.get());
    return fds;
}

void EnvironmentCgroup::freeze()
{
    write_cgroup_fd(freeze_control_.get(), site_.freezes_with_v2() ? "1" : "FROZEN");
}

void EnvironmentCgroup::thaw()
{
    write_cgroup_fd(freeze_control_.get(), site_.freezes_with_v2() ? "0" : "THAWED");
}

std::vector<pid_t> EnvironmentCgroup::members() const
{
    return read_pids(freezer_group() / "cgroup.procs");
}

std::vector<pid_t> EnvironmentCgroup::kill_all()
{
    // Frozen, nobody forks and no pid is freed for reuse between the read and the kill; thawed
    // after, because a frozen process does not act on SIGKILL until it runs again.
    freeze();
    const auto killed = members();
    for (const pid_t pid : killed) ::kill(pid, SIGKILL);
    thaw();
    return killed;
}

long EnvironmentCgroup::peak_memory_kb() const
{
    char text[32] = {};
    const ssize_t got = peak_ ? ::pread(peak_.get(), text, sizeof text - 1, 0) : -1;
    return got > 0 ? static_cast<long>((std::strtoull(text, nullptr, 10) + 1023) / 1024) : 0;
}

bool EnvironmentCgroup::reset_peak()
{
    // v1 starts again from the current use on "0"; v2 (Linux 6.12 on) on any write, for reads
    // through the same descriptor.
    return peak_ && write_cgroup_fd(peak_.get(), site_.version == CgroupVersion::V2 ? "reset" : "0") == 0;
}

std::uint64_t EnvironmentCgroup::oom_kills() const
{
    const auto content = site_.version == CgroupVersion::V1
                             ? read_cgroup_file(in(&CgroupSite::memory, "memory.oom_control"))
                             : read_cgroup_file(in(nullptr, "memory.events"));
    return keyed_value(content, "oom_kill").value_or(0);
}

double EnvironmentCgroup::cpu_used_ms() const
{
    if (site_.version == CgroupVersion::V1) {
        const auto ns = number_in(in(&CgroupSite::cpuacct, "cpuacct.usage"));
        return ns ? static_cast<double>(*ns) / 1e6 : 0;
    }
    const auto us = keyed_value(read_cgroup_file(in(nullptr, "cpu.stat")), "usage_usec");
    return us ? static_cast<double>(*us) / 1e3 : 0;
}

void EnvironmentCgroup::remove()
{
    if (made_.empty()) return;
    oom_notice_ = OwnedFd{}; // v1: closing the eventfd ends the registration
    peak_ = OwnedFd{};
    procs_.clear();
    kill_all();
    // A killed process leaves the group as it exits (before it is reaped); until then rmdir
    // answers EBUSY.
    const auto give_up = std::chrono::steady_clock::now() + kEmptyingPatience;
    for (auto directory = made_.rbegin(); directory != made_.rend(); ++directory) {
        while (::rmdir(directory->c_str()) != 0 && errno == EBUSY && std::chrono::steady_clock::now() < give_up) {
            for (const pid_t pid : read_pids(*directory / "cgroup.procs")) ::kill(pid, SIGKILL);
            std::this_thread::sleep_for(std::chrono::milliseconds{1});
        }
    }
    made_.clear();
}

} // namespace lambda_emu::process
