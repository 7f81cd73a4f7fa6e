#pragma once
// The options `run` and `serve` share: the function, its runtime, its extensions, its limits,
// and where the reports go; and their translation into one environment's HostOptions.
#include "host/environment_host.hpp"
#include "report/console.hpp"
#include "report/run_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lambda_emu {

struct FunctionOptions {
    std::string bootstrap;
    std::vector<std::string> bootstrap_arguments;
    double timeout_seconds = 3;
    double init_timeout_seconds = 10;
    int memory_mb = 128;
    std::string handler = "function.handler";
    std::string function_name; // default: the bootstrap's folder name
    std::string region = "us-east-1";
    std::string log_format = "text"; // text | json
    std::vector<std::string> env;
    std::vector<std::string> env_files;
    unsigned short port = 0; // the Runtime API's (run only; serve gives each environment its own)
    std::optional<long> runtime_grace_ms;
    std::optional<long> shutdown_budget_ms;
    std::vector<std::string> extensions; // --extension PATH
    std::string extensions_dir;          // --extensions-dir DIR (default: opt/extensions beside the bootstrap)
    std::string allow_kill;              // --allow-kill: "all"; --allow-kill=idle: "idle"; not given: ""
    std::string report_path;
    std::string junit_path;
};

struct ReportPaths {
    std::string json_report; // --report; empty: none
    std::string junit;       // --junit; empty: none
};

struct PreparedFunction {
    HostOptions host;
    report::RunRecord record; // what every environment's report starts from, --allow-kill included
    ReportPaths reports;
    std::string error; // non-empty: a usage error, nothing was started
};

// Checks the options, reads --env/--env-file, discovers extensions, seeds the report, and warns
// (on the console) about a bootstrap that cannot run, which still runs the Lambda way
// (Runtime.InvalidEntrypoint).
PreparedFunction prepare_function(const FunctionOptions& options, report::Console& console);

} // namespace lambda_emu
