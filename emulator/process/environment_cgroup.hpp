#pragma once
// One execution environment as the kernel sees it: a cgroup (v1 or v2, as cgroup_site.hpp found)
// that every process of the environment is in, whatever it forks, because the runtime and each
// extension join it between fork and exec. Through it the kernel gives the environment Lambda's
// numbers: CPU in proportion to memory, the memory size as a hard limit for runtime and
// extensions together (swap off), 1,024 tasks; it freezes the environment atomically, says who
// is in it, and measures its CPU and its peak memory. It goes with the environment: whatever
// is left in it is killed and the group removed.
#include "cgroup_site.hpp"
#include "owned_fd.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

struct CgroupLimits {
    int memory_mb = 128;
    double cpus = 0;   // CPUs of quota per 100 ms period; 0: unthrottled (--cpu host)
    long tasks = 1024; // processes and threads
};

// The CFS quota, in microseconds per kCpuPeriodUs, for `cpus` CPUs (the kernel's minimum is 1 ms).
inline constexpr long kCpuPeriodUs = 100000;
long cpu_quota_us(double cpus);

class EnvironmentCgroup {
public:
    // How the report names the freeze it does.
    static constexpr const char* kFreezeMethod = "cgroup-freezer";
    // Makes the group `name` in `site` with `limits`; null with one line in `error` if it cannot.
    static std::unique_ptr<EnvironmentCgroup> create(const CgroupSite& site, const std::string& name,
                                                     const CgroupLimits& limits, std::string& error);
    // Kills what is left in the group and removes it.
    ~EnvironmentCgroup();
    EnvironmentCgroup(const EnvironmentCgroup&) = delete;
    EnvironmentCgroup& operator=(const EnvironmentCgroup&) = delete;

    CgroupVersion version() const { return site_.version; }
    // Open cgroup.procs files (close-on-exec): a child writes "0" to each, between fork and exec,
    // to join the environment before it can start anything.
    std::vector<int> join_descriptors() const;

    // The whole environment at once, escapees included; neither call waits.
    void freeze();
    void thaw();
    // Every process in the group now.
    std::vector<pid_t> members() const;
    // SIGKILL to every process in the group, frozen first so none forks away meanwhile; returns them.
    std::vector<pid_t> kill_all();

    // The environment's peak memory since the last reset_peak(), in kB (page cache included, as
    // the kernel charges it); reset_peak() starts again from the current use where the kernel
    // allows it (v1 always; v2 from Linux 6.12), returning false where it does not.
    long peak_memory_kb() const;
    bool reset_peak();
    // How many processes the kernel's OOM killer has killed in the group.
    std::uint64_t oom_kills() const;
    // Readable (poll) after the kernel's OOM killer acts in the group; -1 if it cannot say.
    int oom_notice_fd() const { return oom_notice_.get(); }
    // Drains the notice so the next one can be awaited.
    void take_oom_notice() const;
    // CPU time used by every process of the group so far, in ms.
    double cpu_used_ms() const;

private:
    EnvironmentCgroup(CgroupSite site, std::string name) : site_{std::move(site)}, name_{std::move(name)} {}
    // The environment's directory in each distinct hierarchy (one for v2).
    std::vector<std::filesystem::path> directories() const;
    std::filesystem::path in(const std::filesystem::path CgroupSite::*hierarchy, const char* file) const;
    // The group that freezes the environment and lists its processes: v2's where the site has one.
    std::filesystem::path freezer_group() const;
    int apply(const CgroupLimits& limits, std::string& error);
    void watch_oom();
    void remove();

    CgroupSite site_;
    std::string name_;
    std::vector<std::filesystem::path> made_; // removed in reverse
    std::vector<OwnedFd> procs_;              // join_descriptors()
    // Open once: each invocation freezes and thaws, and reads the peak, without an open(2).
    OwnedFd freeze_control_; // cgroup.freeze (v2) or freezer.state (v1)
    OwnedFd peak_;           // memory.peak (v2, reset through this descriptor) or memory.max_usage_in_bytes
    OwnedFd oom_notice_;     // v1: an eventfd; v2: an inotify on memory.events
};

} // namespace lambda_emu::process
