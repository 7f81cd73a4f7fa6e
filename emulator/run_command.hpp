#pragma once
// `lambda-emu run BOOTSTRAP ...`: its options and the function that carries it out.
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu {

struct RunOptions {
    std::string bootstrap;
    std::vector<std::string> bootstrap_arguments;
    std::vector<std::string> events;
    double timeout_seconds = 3;
    double init_timeout_seconds = 10;
    int memory_mb = 128;
    std::string handler = "function.handler";
    std::string function_name; // default: the bootstrap's folder name
    std::string region = "us-east-1";
    std::vector<std::string> env;
    std::vector<std::string> env_files;
    unsigned short port = 0;
    std::optional<long> runtime_grace_ms;
    std::optional<long> shutdown_budget_ms;
    std::vector<std::string> extensions;   // --extension PATH
    std::string extensions_dir;            // --extensions-dir DIR (default: opt/extensions beside the bootstrap)
    bool allow_kill = false;
    std::string report_path;
    std::string junit_path;
};

// Returns the process exit code (see exit_codes.hpp).
int run_command(const RunOptions& options);

} // namespace lambda_emu
