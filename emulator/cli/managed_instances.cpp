#include "managed_instances.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace lambda_emu {

namespace {

// The runtimes Managed Instances run: Java 21+, Python 3.13+, Node.js 22+, .NET 8+ and the
// OS-only provided.al2023 (Rust, Go, any bootstrap).
constexpr std::array<std::string_view, 9> kSupportedRuntimes{"java21",     "java25",     "python3.13",
                                                             "python3.14", "nodejs22.x", "nodejs24.x",
                                                             "dotnet8",    "dotnet10",   "provided.al2023"};

} // namespace

std::optional<std::string> managed_instances_problem(int max_concurrency, int memory_mb, double memory_gib_per_vcpu,
                                                     std::string_view runtime)
{
    if (max_concurrency < 1 || max_concurrency > kMostConcurrencyPerEnvironment)
        return "--max-concurrency must be 1 to " + std::to_string(kMostConcurrencyPerEnvironment) +
               " (PerExecutionEnvironmentMaxConcurrency's range)";
    if (memory_mb < kLeastManagedInstancesMemoryMb)
        return "Lambda Managed Instance functions must have memory size greater than or equal to " +
               std::to_string(kLeastManagedInstancesMemoryMb) + " (--memory " + std::to_string(memory_mb) + ")";
    if (!std::isfinite(memory_gib_per_vcpu) || memory_gib_per_vcpu < 2.0 || memory_gib_per_vcpu > 8.0)
        return "--memory-gib-per-vcpu must be 2 to 8 (ExecutionEnvironmentMemoryGiBPerVCpu's range)";
    if (std::find(kSupportedRuntimes.begin(), kSupportedRuntimes.end(), runtime) == kSupportedRuntimes.end())
        return "Lambda Managed Instances do not run " + std::string{runtime} +
               "; they run java21 and later, python3.13 and later, nodejs22.x and later, dotnet8 and later, and "
               "provided.al2023";
    return std::nullopt;
}

int default_max_concurrency(std::string_view runtime, double vcpus)
{
    const int per_vcpu = runtime.starts_with("nodejs") ? 64 : runtime.starts_with("python") ? 16 : 32;
    const int concurrency = static_cast<int>(std::floor(per_vcpu * std::max(vcpus, 1.0)));
    return std::clamp(concurrency, 1, kMostConcurrencyPerEnvironment);
}

double managed_instances_vcpus(int memory_mb, double memory_gib_per_vcpu)
{
    return static_cast<double>(memory_mb) / 1024.0 / memory_gib_per_vcpu;
}

} // namespace lambda_emu
