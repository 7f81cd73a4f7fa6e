#pragma once
// --env K=V and --env-file FILE: the function's own environment variables, checked against
// the keys Lambda reserves.
#include "core/runtime_environment.hpp"

#include <string>
#include <vector>

namespace lambda_emu {

struct CustomerVariables {
    core::Variables variables;
    std::string error; // non-empty: refused
};

// Files first, then --env, so a flag overrides a file. Files hold KEY=VALUE lines; blank lines
// and lines starting with # are skipped.
CustomerVariables read_customer_variables(const std::vector<std::string>& env_files,
                                          const std::vector<std::string>& env);

} // namespace lambda_emu
