#pragma once
// Lambda's CPU for a memory size, as AWS documents it: in proportion to memory, one vCPU at 1,769 MB,
// at most six (10,240 MB gives 5.79).
#include <algorithm>

namespace lambda_emu::core {

inline constexpr double kMemoryPerVcpuMb = 1769.0;
inline constexpr double kMostVcpus = 6.0;

inline double lambda_vcpus(int memory_mb)
{
    return std::min(kMostVcpus, static_cast<double>(memory_mb) / kMemoryPerVcpuMb);
}

} // namespace lambda_emu::core
