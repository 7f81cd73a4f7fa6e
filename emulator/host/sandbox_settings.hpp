#pragma once
// How a run's environments are sandboxed (--sandbox, --layer, --ephemeral-storage): shared by
// every environment of the run; each makes its own namespaces and /tmp from it.
#include "process/memory_guard.hpp"
#include "process/staged_directory.hpp"

#include <memory>

namespace lambda_emu {

struct SandboxSettings {
    std::shared_ptr<process::StagedDirectory> layers; // the layers unpacked: /opt inside
    int ephemeral_storage_mb = 512;                   // /tmp's size
    process::MemoryLimitMethod memory_limit = process::MemoryLimitMethod::RssSampling;
};

} // namespace lambda_emu
