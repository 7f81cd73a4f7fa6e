#pragma once
// The options `run` and `serve` share: the function, its runtime, its extensions, its limits,
// and where the reports go; and their translation into one environment's HostOptions.
#include "host/environment_host.hpp"
#include "report/console.hpp"
#include "process/staged_directory.hpp"
#include "report/run_record.hpp"

#include <memory>

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
    // --max-concurrency N: Lambda Managed Instances, N invocations at once per environment
    // (cli/managed_instances.hpp); none: on demand.
    std::optional<int> max_concurrency;
    double memory_gib_per_vcpu = 2.0;   // --memory-gib-per-vcpu: Managed Instances' CPU for the memory
    bool tenant_isolation = false;      // --tenant-isolation: TenancyConfig PER_TENANT
    std::optional<std::string> handler; // default: function.handler, or index.handler with a managed runtime
    std::string runtime;                // --runtime nodejs22.x; empty: the bootstrap is the runtime
    std::string function_name;          // default: the bootstrap's folder name
    std::string region = "us-east-1";
    std::string log_format = "text"; // text | json
    std::vector<std::string> env;
    std::vector<std::string> env_files;
    std::string env_vars_path; // --env-vars FILE.json, SAM's format (cli/env_vars_file.hpp)
    unsigned short port = 0;   // the Runtime API's (run only; serve gives each environment its own)
    std::optional<long> runtime_grace_ms;
    std::optional<long> shutdown_budget_ms;
    std::vector<std::string> extensions; // --extension PATH
    std::string extensions_dir;          // --extensions-dir DIR (default: opt/extensions beside the bootstrap)
    std::string allow_kill;              // --allow-kill: "all"; --allow-kill=idle: "idle"; not given: ""
    std::vector<std::string> fail_on;    // --fail-on VERDICT[,VERDICT...] (cli/fail_on.hpp)
    bool no_freeze = false;              // --no-freeze: processes run on between invocations
    // -d/--debug-port PORT: the managed runtime's debugger listens on 127.0.0.1:PORT (cli/debug_port.hpp).
    std::optional<long> debug_port;
    // --cpu lambda | host (docs/lambda-numbers.md); empty: lambda where a cgroup can be made.
    std::string cpu;
    // The sandbox (docs/sandbox.md): auto | on | off; layers unpacked into /opt; /tmp's size.
    std::string sandbox = "auto";
    std::vector<std::string> layers;    // folders, .zip files or ARNs (cli/layer_arns.hpp)
    std::vector<std::string> layer_map; // --layer-map ARN_OR_NAME=PATH
    int ephemeral_storage_mb = 512;
    std::string report_path;
    std::string junit_path;
    std::string html_path;              // --html FILE
    std::string summary_path;           // --summary FILE.md
    std::string colour = "auto";        // --color auto|always|never
    std::string template_path;          // --template FILE: `bootstrap` is then the function's logical ID
    core::Variables template_variables; // the template's Environment.Variables (cli/template_options.hpp)
    // Every variable the template declares, resolved or not: --env-vars sets only these, as SAM does.
    std::vector<std::string> template_variable_names;
    // The template's variables whose value is known only once deployed: each name, and the error to
    // give unless --env, --env-file or --env-vars sets it.
    std::vector<std::pair<std::string, std::string>> unresolved_template_variables;
    std::string template_logical_id;
    std::string architecture = "x86_64";          // the template's Architectures; the function runs as this machine's
    std::vector<std::string> parameter_overrides; // --parameter-overrides NAME=VALUE (or SAM's long form)
    std::string terraform_dir;                    // --terraform DIR: `bootstrap` is then the resource's address
    std::vector<std::string> terraform_vars;      // -var NAME=VALUE, in order
    std::vector<std::string> terraform_var_files; // -var-file FILE.tfvars, in order
    // The template's CodeUri when it names a .zip or .jar: unpacked here, the task root.
    std::shared_ptr<process::StagedDirectory> unpacked_code;
    // What reading the template found worth a line (an arm64 function on this x86_64 machine, a
    // bootstrap still to build), said once the run starts.
    std::vector<std::string> notices;
};

struct ReportPaths {
    std::string json_report; // --report; empty: none
    std::string junit;       // --junit; empty: none
    std::string html;        // --html; empty: none
    std::string summary;     // --summary (Markdown); empty: none
};

// Where the function's code comes from, for serve --watch (cli/code_watch.hpp).
struct CodeFolders {
    std::vector<std::filesystem::path> watched; // the task root, --extensions-dir, each layer given as a folder
    std::vector<std::filesystem::path> layers;  // every local layer in order, folders and .zip files
    std::filesystem::path task_root;
    std::vector<std::string> unwatched; // what changes go unseen, each said in a line (a .zip CodeUri)
};

struct PreparedFunction {
    HostOptions host;
    CodeFolders code;
    report::RunRecord record; // what every environment's report starts from, --allow-kill included
    ReportPaths reports;
    std::string error;       // non-empty: a usage error, nothing was started
    int error_exit_code = 2; // exit_codes::kUsage, or kEmulatorError when the machine cannot do what was asked
};

// Checks the options, reads --env/--env-file, discovers extensions, seeds the report, and warns
// (on the console) about a bootstrap that cannot run, which still runs the Lambda way
// (Runtime.InvalidEntrypoint).
PreparedFunction prepare_function(const FunctionOptions& options, report::Console& console);

// The folder holding the running binary: build/ in a build, PREFIX/bin in an installation.
std::optional<std::filesystem::path> own_folder();

// What comes with lambda-emu beside the binary's clients: LAMBDA_EMU_RUNTIMES_DIR, else an
// installation's share/lambda-emu/runtimes, else the project's runtimes/ (scripts/setup.sh).
std::filesystem::path runtimes_folder();

// The regular files of a staged /opt/extensions, in name order: the layers' extensions.
std::vector<std::filesystem::path> layer_extensions(const std::filesystem::path& staged_opt);

} // namespace lambda_emu
