#pragma once
// `lambda-emu run BOOTSTRAP --event FILE ...`: one environment, the events in order, shut down.
#include "function_options.hpp"

#include <string>
#include <vector>

namespace lambda_emu {

struct RunOptions {
    FunctionOptions function;
    std::vector<std::string> events;
};

// Returns the process exit code (see exit_codes.hpp).
int run_command(const RunOptions& options);

} // namespace lambda_emu
