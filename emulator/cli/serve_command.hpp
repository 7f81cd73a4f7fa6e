#pragma once
// `lambda-emu serve BOOTSTRAP --listen 127.0.0.1:9000 ...`: AWS's Invoke API in front of a pool
// of execution environments, a control endpoint, and shutdown on SIGTERM/SIGINT or on request.
#include "function_options.hpp"

#include <optional>
#include <string>

namespace lambda_emu {

struct ServeOptions {
    FunctionOptions function;
    std::string listen = "127.0.0.1:9000";
    std::size_t concurrency = 1;
    std::optional<double> idle_shutdown_seconds;
    bool no_queue = false;
};

int serve_command(const ServeOptions& options);

} // namespace lambda_emu
