#pragma once
// How a run's environments get Lambda's numbers (--cpu, --memory; README "Lambda's numbers"):
// each its own cgroup where the machine lets the emulator make one, shared by every environment
// of the run.
#include "process/cgroup_site.hpp"

#include <optional>

namespace lambda_emu {

struct ResourceSettings {
    // Null: no cgroup can be made here; the environments are frozen with SIGSTOP, their memory
    // sampled (in the sandbox) and their CPU unthrottled.
    std::optional<process::CgroupSite> cgroup_site;
    // --cpu lambda: CPU in proportion to memory; host: unthrottled (the cgroup still limits memory).
    bool lambda_cpu = true;
};

} // namespace lambda_emu
