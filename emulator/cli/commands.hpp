#pragma once
// cli/: the commands a user types (run, serve): their options and checks, their sessions, the
// reports and the exit code.
// `lambda-emu run BOOTSTRAP --event FILE ...`: one environment, the events in order, shut down.
// `lambda-emu serve BOOTSTRAP --listen 127.0.0.1:9000 ...`: AWS's Invoke API in front of a pool
// of execution environments, a control endpoint, and shutdown on SIGTERM/SIGINT or on request.
#include "function_options.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu {

struct RunOptions {
    FunctionOptions function;
    std::vector<std::string> events;
};

struct ServeOptions {
    FunctionOptions function;
    // `--template T` without a logical ID: every function of the template (cli/template_options.hpp);
    // empty: `function` alone.
    std::vector<FunctionOptions> template_functions;
    std::string listen = "127.0.0.1:9000";
    std::size_t concurrency = 1;
    std::optional<double> idle_shutdown_seconds;
    bool no_queue = false;
    std::string port_file;               // written with the bound port once listening
    bool exit_when_stdin_closes = false; // stdin is a pipe from the parent: its end is serve's end
    bool watch = false;                  // --watch: a change to the code recycles the environments (cli/code_watch.hpp)
    int event_retries = 2;               // --event-retries: an Event invocation's retries after a failure
    std::string event_retry_delay = "200"; // --event-retry-delay MS|lambda: before the first retry
};

// `lambda-emu report REPORT.json [--table] [--html FILE] [--junit FILE] [--summary FILE]`: a saved
// report rendered again (the table the run printed, the HTML page, JUnit, the Markdown summary).
struct ReportOptions {
    std::string report_path; // a JSON report of run or serve; - for standard input
    bool table = false;
    std::string html_path;
    std::string junit_path;
    std::string summary_path; // Markdown
    std::string colour = "auto";
};

// Each returns the process exit code (see exit_codes.hpp).
int run_command(const RunOptions& options);
int serve_command(const ServeOptions& options);
int report_command(const ReportOptions& options);

} // namespace lambda_emu
