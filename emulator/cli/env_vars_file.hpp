#pragma once
// --env-vars FILE.json, in SAM CLI's format: {"Parameters": {"KEY": "VALUE"}, "MyFunction": {...}}.
// "Parameters" applies to every function, a function's own object (by its logical ID or its name)
// over it; values are strings, numbers or booleans, taken as their text.
#include "core/runtime_environment.hpp"

#include <string>
#include <vector>

namespace lambda_emu {

struct EnvVarsFile {
    core::Variables variables; // the function's, in the file's order, its own over "Parameters"
    std::string error;         // non-empty: refused, one line
};

// `function_keys`: the names the function may be under in the file (logical ID, function name).
EnvVarsFile read_env_vars_file(const std::string& path, const std::vector<std::string>& function_keys);

} // namespace lambda_emu
