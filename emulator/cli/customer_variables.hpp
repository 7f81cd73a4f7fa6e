#pragma once
// --env K=V and --env-file FILE: the function's own environment variables, checked against
// Lambda's rules for them: the name's pattern, the keys Lambda reserves, and 4 KB in all.
#include "core/runtime_environment.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu {

struct CustomerVariables {
    core::Variables variables;
    std::string error; // non-empty: refused
};

// An --env-file holds a few KEY=VALUE lines; more than this is not one (and cannot fit in 4 KB).
inline constexpr std::size_t kMaxEnvFileBytes = 64 * 1024;
// Lambda's limit for all of a function's variables together, measured as the JSON of the map.
inline constexpr std::size_t kMaxVariablesBytes = 4096;

// Files first, then --env, so a flag overrides a file. Files hold KEY=VALUE lines; blank lines
// and lines starting with # are skipped.
CustomerVariables read_customer_variables(const std::vector<std::string>& env_files,
                                          const std::vector<std::string>& env);

// Why Lambda would refuse this name (a key it reserves, or not of its pattern), or nothing.
std::optional<std::string> variable_name_error(const std::string& key);

// Why Lambda would refuse these variables together (over 4 KB), or nothing. A later key overrides
// an earlier one, as it does in the function's environment.
std::optional<std::string> variables_size_error(const core::Variables& variables);

} // namespace lambda_emu
