// lambda-emu: a local AWS Lambda lifecycle emulator. main reads the command line and hands
// each command to its own function.
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/managed_runtimes.hpp"
#include "cli/option_suggestions.hpp"
#include "cli/template_options.hpp"
#include "cli/terraform_options.hpp"
#include "process/sandbox.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

namespace {

using lambda_emu::FunctionOptions;

// --color: colour on a terminal (auto), always, or never; NO_COLOR turns auto off.
void add_colour_option(CLI::App& command, std::string& colour)
{
    command.add_option("--color", colour, "Colour: auto (a terminal without NO_COLOR), always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
}

// The options `run` and `serve` share.
// `serve --template T` (or `--terraform DIR`) alone serves every function of the template: there
// the function is optional.
enum class FunctionArgument { Required, OptionalWithTemplate };

void add_function_options(CLI::App& command, FunctionOptions& function, FunctionArgument argument)
{
    auto* bootstrap = command.add_option(
        "bootstrap", function.bootstrap,
        argument == FunctionArgument::Required
            ? "The runtime's executable (Lambda's bootstrap); with --runtime, the function's folder; "
              "with --template, the function's logical ID; with --terraform, aws_lambda_function.NAME or its "
              "function_name"
            : "The runtime's executable (Lambda's bootstrap); with --runtime, the function's folder; "
              "with --template, the function's logical ID; with --terraform, aws_lambda_function.NAME or its "
              "function_name (none: every function of the template or configuration)");
    if (argument == FunctionArgument::Required) bootstrap->required();
    command.add_option("-t,--template", function.template_path,
                       "A SAM template: the function's settings from it (the command line's options win)");
    auto* terraform =
        command.add_option("--terraform", function.terraform_dir,
                           "A Terraform configuration's folder: the function's settings from its .tf files (the "
                           "command line's options win)");
    terraform->excludes("--template");
    command.add_option("--var", function.terraform_vars,
                       "NAME=VALUE (-var too, as terraform takes it): a Terraform variable's value; repeatable");
    command.add_option("--var-file", function.terraform_var_files,
                       "A .tfvars file of Terraform variables' values (-var-file too); repeatable");
    command.add_option("arguments", function.bootstrap_arguments, "Arguments for the bootstrap (after --)");
    command.add_option("--timeout", function.timeout_seconds, "Function timeout in seconds (Lambda: 1-900)")
        ->capture_default_str();
    command.add_option("--init-timeout", function.init_timeout_seconds, "Init limit in seconds (Lambda: 10)")
        ->capture_default_str();
    command.add_option("-m,--memory", function.memory_mb, "Memory size in MB (Lambda: 128-10240)")
        ->capture_default_str();
    command.add_option("--max-concurrency", function.max_concurrency,
                       "Lambda Managed Instances: N invocations at once in each environment "
                       "(AWS_LAMBDA_MAX_CONCURRENCY; 1-1600, memory at least 2048 MB)");
    command
        .add_option("--memory-gib-per-vcpu", function.memory_gib_per_vcpu,
                    "Lambda Managed Instances: memory per vCPU in GiB (2-8; CPU = memory / this)")
        ->capture_default_str();
    command.add_flag("--tenant-isolation", function.tenant_isolation,
                     "Tenant isolation (PER_TENANT): each invocation carries a tenant ID (X-Amz-Tenant-Id) and "
                     "environments serve one tenant each");
    command.add_option("--handler", function.handler,
                       "The _HANDLER value (default: function.handler, with --runtime index.handler)");
    command.add_option("--runtime", function.runtime,
                       "A managed runtime to run the function's folder with: " + lambda_emu::managed_runtime_ids() +
                           " (default: the bootstrap is the runtime)");
    command.add_option("--function-name", function.function_name,
                       "Function name (default: the bootstrap's folder name)");
    command.add_option("--region", function.region, "AWS region")->capture_default_str();
    command
        .add_option("--log-format", function.log_format,
                    "text or json: Lambda's log format (json sets AWS_LAMBDA_LOG_FORMAT=JSON)")
        ->capture_default_str();
    command.add_option("--env", function.env, "A customer environment variable KEY=VALUE; repeatable");
    command.add_option("--env-file", function.env_files,
                       "A .env file of KEY=VALUE lines (comments, export, quotes); repeatable");
    command.add_option("--env-vars", function.env_vars_path,
                       "A JSON file in SAM's format: {\"Parameters\": {...}, \"LogicalId\": {...}}");
    command.add_option("--runtime-grace", function.runtime_grace_ms, "Override the runtime's shutdown share, in ms");
    command.add_option("--shutdown-budget", function.shutdown_budget_ms, "Override the whole Shutdown phase, in ms");
    command.add_option("--extension", function.extensions, "An external extension executable; repeatable");
    command.add_option("--extensions-dir", function.extensions_dir,
                       "Directory of external extensions (default: opt/extensions beside the bootstrap)");
    command
        .add_option("--sandbox", function.sandbox,
                    "auto, on or off: run the function in Lambda's filesystem (/var/task read-only, /opt, a private "
                    "/tmp, sandbox hostnames) and memory limit, in Linux namespaces")
        ->capture_default_str()
        ->envname("LAMBDA_EMU_SANDBOX");
    command
        .add_option("--cpu", function.cpu,
                    "lambda or host: CPU in proportion to --memory as Lambda gives it (1,769 MB is one vCPU; the "
                    "default where a cgroup can be made), or the host's unthrottled")
        ->check(CLI::IsMember({"lambda", "host"}))
        ->envname("LAMBDA_EMU_CPU");
    command.add_option("--layer", function.layers,
                       "A layer (a folder, a .zip or an ARN), unpacked into /opt in order; repeatable");
    command.add_option("--layer-map", function.layer_map,
                       "ARN_OR_NAME=PATH: a local folder or .zip for a layer ARN (the whole ARN, the ARN without its "
                       "version, or the layer's name); repeatable");
    command.add_option("--parameter-overrides", function.parameter_overrides,
                       "NAME=VALUE (or ParameterKey=NAME,ParameterValue=VALUE): a template parameter's value; "
                       "repeatable");
    command.add_option("--ephemeral-storage", function.ephemeral_storage_mb, "/tmp's size in MB (Lambda: 512-10240)")
        ->capture_default_str();
    // A flag that takes a value only as --allow-kill=idle: `--allow-kill ./bootstrap` stays a flag.
    command
        .add_flag("--allow-kill{all}", function.allow_kill,
                  "Killed or crashed processes at shutdown do not fail the run; --allow-kill=idle: only kills of "
                  "processes that had finished (no CPU after their last output, no open connection of their own)")
        ->check(CLI::IsMember({"all", "idle"}));
    command
        .add_option("--fail-on", function.fail_on,
                    "VERDICT[,VERDICT...]: these verdicts of the final Shutdown phase fail the run too: "
                    "not-signalled (no extension registered, so no SIGTERM: exit code 7), crashed (even with "
                    "--allow-kill); killed is the default")
        ->type_name("VERDICTS");
    command.add_flag("--no-freeze", function.no_freeze,
                     "Leave the processes running between invocations (Lambda freezes them)");
    command
        .add_option("-d,--debug-port", function.debug_port,
                    "Start the managed runtime's debugger on 127.0.0.1:PORT (Node.js: its inspector; Python: "
                    "debugpy), as SAM's -d; no freeze, Init or invocation timeout while debugging")
        ->type_name("PORT");
    command.add_option("--report", function.report_path, "Write the JSON report to this file");
    command.add_option("--junit", function.junit_path, "Write a JUnit XML report to this file");
    command.add_option("--html", function.html_path, "Write a self-contained HTML report (timelines) to this file");
    command.add_option("--summary", function.summary_path,
                       "Write a short Markdown summary to this file (for a CI job summary: $GITHUB_STEP_SUMMARY)");
    add_colour_option(command, function.colour);
}

// A repeatable option takes one value each time it is given, so that options can come before the
// function's path as well as after it (`run -e ev.json ./fn --runtime ...`).
void one_value_each_time(CLI::App& command)
{
    for (auto* option : command.get_options()) {
        if (option->get_positional()) continue;
        if (option->get_items_expected_max() > 1) option->allow_extra_args(false);
    }
}

std::set<std::string> given_options(const CLI::App& command)
{
    std::set<std::string> given;
    for (const auto* option : command.get_options()) {
        if (option->count() > 0) given.insert(option->get_name());
    }
    return given;
}

bool refused(const std::string& error)
{
    if (error.empty()) return false;
    std::fprintf(stderr, "[lambda-emu] error: %s\n", error.c_str());
    return true;
}

// --template or --terraform: the function's settings under the ones the command line gave.
bool apply_template_of(const CLI::App& command, FunctionOptions& function)
{
    if (!function.terraform_dir.empty()) return !refused(lambda_emu::apply_terraform(function, given_options(command)));
    if ((!function.terraform_vars.empty() || !function.terraform_var_files.empty()))
        return !refused("-var and -var-file give a Terraform configuration's variables: add --terraform DIR");
    if (function.template_path.empty()) return true;
    return !refused(lambda_emu::apply_template(function, given_options(command)));
}

// serve: the function named, or with --template and no logical ID, every function of the template.
bool choose_served_functions(const CLI::App& command, lambda_emu::ServeOptions& serve)
{
    if (!serve.function.bootstrap.empty()) return apply_template_of(command, serve.function);
    if (serve.function.template_path.empty() && serve.function.terraform_dir.empty())
        return !refused("serve needs the function: a bootstrap, a folder with --runtime, --template T [LOGICAL_ID] "
                        "or --terraform DIR [RESOURCE]");
    auto every = serve.function.terraform_dir.empty()
                     ? lambda_emu::apply_template_to_every_function(serve.function, given_options(command))
                     : lambda_emu::apply_terraform_to_every_function(serve.function, given_options(command));
    if (refused(every.error)) return false;
    serve.template_functions = std::move(every.functions);
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace lambda_emu;
    // A sandbox's environment init (process/sandbox.hpp), not a command.
    if (const char* release_fd = std::getenv("LAMBDA_EMU_ENVIRONMENT_INIT");
        release_fd && argc == 1 && std::string_view{argv[0]} == "init")
        process::run_as_environment_init(release_fd);
    // Whoever reads our output may go away first (`lambda-emu run ... | head`): a write then fails
    // with EPIPE and the console stops writing there, instead of SIGPIPE ending the emulator
    // before its Shutdown phase and its report. (Children get the default back before exec.)
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"lambda-emu: run a Lambda function and its extensions through Init, Invoke and Shutdown, locally"};
    app.require_subcommand(1);
    app.set_version_flag("--version", LAMBDA_EMU_VERSION);

    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Init the function, invoke it once per event, then shut it down");
    add_function_options(*run_cmd, run.function, FunctionArgument::Required);
    run_cmd->add_option("-e,--event", run.events,
                        "An event file (JSON), or - for standard input; repeatable, in order");
    run_cmd->add_option("--port", run.function.port, "Runtime API port on 127.0.0.1 (default: an ephemeral one)");

    ServeOptions serve;
    auto* serve_cmd =
        app.add_subcommand("serve", "Serve AWS's Invoke API; environments on demand; shut down on request");
    add_function_options(*serve_cmd, serve.function, FunctionArgument::OptionalWithTemplate);
    serve_cmd->add_option("--listen", serve.listen, "Address of the invoke and control endpoints (loopback only)")
        ->capture_default_str();
    serve_cmd->add_option("-c,--concurrency", serve.concurrency, "Execution environments at most")
        ->capture_default_str();
    serve_cmd->add_option("--idle-shutdown", serve.idle_shutdown_seconds,
                          "Spin an environment down after this many idle seconds");
    serve_cmd->add_flag("--no-queue", serve.no_queue,
                        "Answer 429 TooManyRequestsException when every environment is busy, instead of queueing");
    serve_cmd->add_option("--port-file", serve.port_file,
                          "Write the port listened on to this file once listening (with --listen 127.0.0.1:0)");
    serve_cmd->add_flag("--exit-when-stdin-closes", serve.exit_when_stdin_closes,
                        "Shut down, as on SIGTERM, when standard input (a pipe from the parent) closes");
    serve_cmd->add_flag("--watch", serve.watch,
                        "When the function's code or a layer folder changes, shut every environment down after its "
                        "invocation; the next invocation initialises the new code");
    serve_cmd
        ->add_option("--event-retries", serve.event_retries,
                     "Retries of an asynchronous (Event) invocation that fails, as Lambda's MaximumRetryAttempts: "
                     "0, 1 or 2")
        ->capture_default_str();
    serve_cmd
        ->add_option("--event-retry-delay", serve.event_retry_delay,
                     "MS or lambda: the wait before an Event invocation's first retry (the second waits twice as "
                     "long); lambda is Lambda's 60 s")
        ->capture_default_str();

    one_value_each_time(*run_cmd);
    one_value_each_time(*serve_cmd);

    ReportOptions report;
    auto* report_cmd = app.add_subcommand(
        "report", "Render a saved JSON report again: the cleanup table and timeline, an HTML page, JUnit");
    report_cmd->add_option("report", report.report_path, "A JSON report of run or serve (--report), or - for stdin")
        ->required();
    report_cmd->add_flag(
        "--table", report.table,
        "Print the cleanup tables and timelines as the run did (the default without --html, --junit or "
        "--summary)");
    report_cmd->add_option("--html", report.html_path, "Write the self-contained HTML report to this file");
    report_cmd->add_option("--junit", report.junit_path, "Write the JUnit XML report to this file");
    report_cmd->add_option("--summary", report.summary_path, "Write the short Markdown summary to this file");
    add_colour_option(*report_cmd, report.colour);

    // CLI11 parses the arguments in reverse order from a vector.
    auto arguments = joined_flag_values(std::vector<std::string>(argv + 1, argv + argc));
    std::reverse(arguments.begin(), arguments.end());
    try {
        app.parse(arguments);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        // One error style for every usage error: the emulator's one line, and the nearest option
        // to a misspelt one.
        std::string message = error.what();
        for (const auto* command : {run_cmd, serve_cmd, report_cmd}) {
            if (!command->parsed()) continue;
            std::vector<std::string> known;
            for (const auto* option : command->get_options()) {
                for (const auto& name : option->get_lnames()) known.push_back("--" + name);
            }
            for (int i = 1; i < argc; ++i) {
                const std::string given = argv[i];
                if (!given.starts_with("--") || given == "--") continue;
                const std::string name = given.substr(0, given.find('='));
                if (std::find(known.begin(), known.end(), name) != known.end()) continue;
                message = "unknown option " + name;
                if (auto nearest = nearest_option(name, known)) message += "; did you mean " + *nearest + "?";
                break;
            }
        }
        const std::string help = run_cmd->parsed()      ? "lambda-emu run --help"
                                 : serve_cmd->parsed()  ? "lambda-emu serve --help"
                                 : report_cmd->parsed() ? "lambda-emu report --help"
                                                        : "lambda-emu --help";
        std::fprintf(stderr, "[lambda-emu] error: %s (%s lists every option)\n", message.c_str(), help.c_str());
        return exit_codes::kUsage;
    }
    if (*run_cmd) return apply_template_of(*run_cmd, run.function) ? run_command(run) : exit_codes::kUsage;
    if (*serve_cmd) return choose_served_functions(*serve_cmd, serve) ? serve_command(serve) : exit_codes::kUsage;
    if (*report_cmd) return report_command(report);
    return exit_codes::kUsage;
}
