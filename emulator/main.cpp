// lambda-emu: a local AWS Lambda lifecycle emulator. main reads the command line and hands
// each command to its own function.
#include "exit_codes.hpp"
#include "run_command.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv)
{
    using namespace lambda_emu;
    CLI::App app{"lambda-emu: run a Lambda function and its extensions through Init, Invoke and Shutdown, locally"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "lambda-emu 0.1.0");

    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Init the function, invoke it once per event, then shut it down");
    run_cmd->add_option("bootstrap", run.bootstrap, "The runtime's executable (Lambda's bootstrap)")->required();
    run_cmd->add_option("arguments", run.bootstrap_arguments, "Arguments for the bootstrap (after --)");
    run_cmd->add_option("-e,--event", run.events, "An event file (JSON), or - for standard input; repeatable, in order");
    run_cmd->add_option("-t,--timeout", run.timeout_seconds, "Function timeout in seconds (Lambda: 1-900)")
        ->capture_default_str();
    run_cmd->add_option("--init-timeout", run.init_timeout_seconds, "Init limit in seconds (Lambda: 10)")
        ->capture_default_str();
    run_cmd->add_option("-m,--memory", run.memory_mb, "Memory size in MB (Lambda: 128-10240)")->capture_default_str();
    run_cmd->add_option("--handler", run.handler, "The _HANDLER value")->capture_default_str();
    run_cmd->add_option("--function-name", run.function_name, "Function name (default: the bootstrap's folder name)");
    run_cmd->add_option("--region", run.region, "AWS region")->capture_default_str();
    run_cmd->add_option("--env", run.env, "A customer environment variable KEY=VALUE; repeatable");
    run_cmd->add_option("--env-file", run.env_files, "A file of KEY=VALUE lines; repeatable");
    run_cmd->add_option("--port", run.port, "Runtime API port on 127.0.0.1 (default: an ephemeral one)");
    run_cmd->add_option("--runtime-grace", run.runtime_grace_ms, "Override the runtime's shutdown share, in ms");
    run_cmd->add_option("--shutdown-budget", run.shutdown_budget_ms, "Override the whole Shutdown phase, in ms");
    run_cmd->add_option("--extension", run.extensions, "An external extension executable; repeatable");
    run_cmd->add_option("--extensions-dir", run.extensions_dir,
                        "Directory of external extensions (default: opt/extensions beside the bootstrap)");
    run_cmd->add_flag("--allow-kill", run.allow_kill, "Killed or crashed processes at shutdown do not fail the run");
    run_cmd->add_option("--report", run.report_path, "Write the JSON report to this file");
    run_cmd->add_option("--junit", run.junit_path, "Write a JUnit XML report to this file");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : exit_codes::kUsage;
    }
    if (*run_cmd) return run_command(run);
    return exit_codes::kUsage;
}
