#pragma once
// Lambda Managed Instances (`--max-concurrency N`, a template's CapacityProviderConfig) and tenant
// isolation (`--tenant-isolation`, TenancyConfig): the checks Lambda makes when such a function is
// created, and the defaults it applies (docs/managed-instances.md).
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu {

// PerExecutionEnvironmentMaxConcurrency's range.
inline constexpr int kMostConcurrencyPerEnvironment = 1600;
// A Managed Instances function's smallest memory size.
inline constexpr int kLeastManagedInstancesMemoryMb = 2048;
// ExecutionEnvironmentMemoryGiBPerVCpu when the configuration leaves it out, and its range.
inline constexpr double kDefaultMemoryGibPerVcpu = 2.0;

// Why Lambda would not create this Managed Instances function, if it would not: the concurrency
// out of range, too little memory, a runtime the mode does not support (`runtime`: Lambda's id).
std::optional<std::string> managed_instances_problem(int max_concurrency, int memory_mb, double memory_gib_per_vcpu,
                                                     std::string_view runtime);

// The concurrency Lambda picks when the configuration gives none: per vCPU, by runtime (64 for
// Node.js, 16 for Python, 32 for the others).
int default_max_concurrency(std::string_view runtime, double vcpus);

// A Managed Instances environment's CPU: its memory over the memory per vCPU.
double managed_instances_vcpus(int memory_mb, double memory_gib_per_vcpu);

} // namespace lambda_emu
