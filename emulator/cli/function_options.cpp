#include "function_options.hpp"

#include "builtin_extensions.hpp"
#include "customer_variables.hpp"
#include "debug_port.hpp"
#include "env_vars_file.hpp"
#include "exit_codes.hpp"
#include "fail_on.hpp"
#include "layer_arns.hpp"
#include "managed_instances.hpp"
#include "managed_runtimes.hpp"
#include "numeric_checks.hpp"
#include "process/layers.hpp"
#include "process/function_user.hpp"
#include "process/sandbox.hpp"
#include "core/cpu_allocation.hpp"
#include "core/utf8.hpp"
#include "process/environment_cgroup.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <optional>
#include <sstream>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace lambda_emu {

namespace {

core::Millis seconds_to_ms(double seconds)
{
    return core::Millis{static_cast<long long>(std::llround(seconds * 1000))};
}

// Values Lambda would provide itself, taken from the emulator's environment when present:
// credentials for SDK calls, and the loader path a locally built runtime may need.
core::Variables passed_through_variables()
{
    core::Variables variables;
    for (const char* key : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LD_LIBRARY_PATH"}) {
        if (const char* value = std::getenv(key)) variables.emplace_back(key, value);
    }
    return variables;
}

std::optional<std::string> duplicate_extension_name(const std::vector<std::filesystem::path>& found)
{
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (found[i].filename() == found[j].filename()) {
                return "two extensions are named " + found[i].filename().string() +
                       ": an extension registers under its file name, which must be unique";
            }
        }
    }
    return std::nullopt;
}

struct PreparedResources {
    std::optional<process::CgroupSite> site; // none: the fallback
    double vcpus = 0;                        // Lambda's CPU for --memory with --cpu lambda; 0: the host's
    std::string error;
};

// --cpu lambda|host: a cgroup per environment where the machine lets the emulator make one
// (LAMBDA_EMU_CGROUPS=none pretends it cannot, for the tests of the fallback); where it cannot,
// one line says what that means for the figures, and an explicit --cpu lambda fails with it.
PreparedResources prepare_resources(const FunctionOptions& options, report::ResourcesRecord& record,
                                    report::Console& console)
{
    PreparedResources prepared;
    const char* pretend = std::getenv("LAMBDA_EMU_CGROUPS");
    auto found = pretend && std::string_view{pretend} == "none"
                     ? process::CgroupSiteResult{std::nullopt, "cgroups turned off (LAMBDA_EMU_CGROUPS=none)"}
                     : process::find_cgroup_site();
    if (!found.site) {
        if (options.cpu == "lambda") prepared.error = "--cpu lambda: no cgroup can be made here: " + found.why_not;
        record.fallback_reason = found.why_not;
        if (options.cpu.empty())
            console.lifecycle("resources: no cgroup: " + found.why_not +
                              ". CPU is the host's, unthrottled: cleanup headroom is optimistic; freeze by SIGSTOP; "
                              "memory sampled every 10 ms, runtime only (--cpu host silences this line)");
        return prepared;
    }
    prepared.site = found.site;
    record.method = process::to_string(found.site->version);
    record.tasks_limit = process::CgroupLimits{}.tasks;
    std::ostringstream cpu;
    if (options.cpu != "host") {
        // Managed Instances give CPU by the memory per vCPU chosen, not Lambda's 1,769 MB per vCPU.
        prepared.vcpus =
            options.max_concurrency
                ? std::min(core::kMostVcpus, managed_instances_vcpus(options.memory_mb, options.memory_gib_per_vcpu))
                : core::lambda_vcpus(options.memory_mb);
        record.cpu = "lambda";
        record.vcpus = prepared.vcpus;
        record.cpu_quota_us = process::cpu_quota_us(prepared.vcpus);
        record.cpu_period_us = process::kCpuPeriodUs;
        cpu << std::fixed << std::setprecision(prepared.vcpus < 1 ? 3 : 2) << prepared.vcpus << " vCPU ("
            << record.cpu_quota_us << " us of every " << record.cpu_period_us << ", as Lambda gives "
            << options.memory_mb << " MB)";
    } else {
        cpu << "the host's CPU, unthrottled (--cpu host)";
    }
    console.lifecycle("resources: " + record.method + ": " + cpu.str() + ", " + std::to_string(options.memory_mb) +
                      " MB for runtime and extensions together (the kernel's limit, no swap), " +
                      std::to_string(record.tasks_limit) + " tasks");
    return prepared;
}

struct PreparedSandbox {
    std::shared_ptr<const SandboxSettings> settings; // null: no sandbox
    std::string error;
    int error_exit_code = exit_codes::kUsage;
};

// --sandbox auto|on|off: on where the kernel allows user namespaces (auto says in one line why
// not otherwise; on fails with that line); the layers unpacked once for every environment.
PreparedSandbox prepare_sandbox(const FunctionOptions& options, const std::vector<std::string>& local_layers,
                                const std::filesystem::path& task_root, bool has_cgroup, report::SandboxRecord& record,
                                report::Console& console)
{
    PreparedSandbox prepared;
    record.ephemeral_storage_mb = options.ephemeral_storage_mb;
    for (const auto& layer : local_layers) record.layers.push_back(layer);
    if (options.sandbox == "off") {
        if (!local_layers.empty())
            prepared.error = "--layer needs the sandbox (/opt exists only inside it): drop --sandbox off";
        record.off_reason = "--sandbox off";
        return prepared;
    }
    // The machine cannot: `on` (or a layer, which needs it) fails with the reason, `auto` says it
    // in one line and runs without.
    auto cannot = [&](const std::string& why) {
        if (options.sandbox == "on" || !local_layers.empty()) {
            prepared.error = (options.sandbox == "on" ? "--sandbox on: " : "--layer needs the sandbox, and ") + why;
            prepared.error_exit_code = exit_codes::kEmulatorError;
        } else {
            console.lifecycle("sandbox: off: " + why + " (--sandbox off silences this line)");
            record.off_reason = why;
        }
        return prepared;
    };
    if (auto unavailable = process::user_namespaces_unavailable(); !unavailable.empty()) return cannot(unavailable);

    std::vector<std::filesystem::path> layers;
    std::error_code ec;
    for (const auto& layer : local_layers) layers.push_back(std::filesystem::absolute(layer, ec).lexically_normal());
    std::string error;
    auto staged = process::stage_layers(layers, task_root, error);
    if (!staged) {
        prepared.error = error;
        return prepared;
    }
    // One trial sandbox, at once: a machine that allows the namespaces may still refuse one of
    // the mounts (a container's profile), and that is better said now than at the first Init.
    process::SandboxLayout trial;
    trial.task_root = task_root;
    trial.staged_opt = staged->path();
    trial.ephemeral_storage_mb = options.ephemeral_storage_mb;
    auto trial_sandbox = process::Sandbox::create(trial, {}, {}, error);
    if (!trial_sandbox) return cannot(error);
    trial_sandbox->end_unused();

    auto settings = std::make_shared<SandboxSettings>();
    settings->layers = std::move(staged);
    settings->ephemeral_storage_mb = options.ephemeral_storage_mb;
    settings->memory_limit = has_cgroup ? process::MemoryLimitMethod::Kernel : process::MemoryLimitMethod::RssSampling;
    record.enabled = true;
    record.memory_limit = process::to_string(settings->memory_limit);
    record.user = std::string{process::kFunctionUserName} + " (uid " + std::to_string(process::kFunctionUid) +
                  ", gid " + std::to_string(process::kFunctionGid) + ")";
    record.outside_uid =
        ::geteuid() == 0 ? static_cast<long>(process::kOutsideUidWhenRoot) : static_cast<long>(::geteuid());
    record.pid_namespace = true;
    record.mounts_locked = true;
    record.process_limit = static_cast<int>(process::kProcessLimit);
    record.open_file_limit = static_cast<int>(process::kOpenFileLimit);
    console.lifecycle("sandbox: on: sbx_user1051 in a PID namespace of its own, /var/task read-only, /opt from " +
                      std::to_string(layers.size()) + " layer(s), a private /tmp of " +
                      std::to_string(options.ephemeral_storage_mb) + " MB, sandbox.localdomain, memory limit " +
                      std::to_string(options.memory_mb) + " MB (" + record.memory_limit + ")");
    prepared.settings = std::move(settings);
    return prepared;
}

std::optional<std::filesystem::path> stand_in(const std::string& file); // below

// External extensions: every regular file of the extensions directory, in name order, then each
// --extension (a built-in by its name). The directory is `opt/extensions` beside the bootstrap (a
// zip with a layer) unless --extensions-dir names one.
std::vector<std::filesystem::path> discover_extensions(const FunctionOptions& options,
                                                       const std::filesystem::path& task_root, std::string& error)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> found;
    std::error_code ec;
    fs::path directory =
        options.extensions_dir.empty() ? task_root / "opt" / "extensions" : fs::path{options.extensions_dir};
    if (!options.extensions_dir.empty() && !fs::is_directory(directory, ec)) {
        error = "--extensions-dir " + options.extensions_dir + " is not a directory";
        return {};
    }
    if (fs::is_directory(directory, ec)) {
        for (const auto& entry : fs::directory_iterator{directory, ec}) {
            if (entry.is_regular_file(ec)) found.push_back(fs::absolute(entry.path(), ec));
        }
        std::sort(found.begin(), found.end());
    }
    for (const auto& path : options.extensions) {
        if (names_builtin_extension(path)) {
            auto builtin = builtin_extension(path);
            if (!builtin.error.empty()) {
                error = std::move(builtin.error);
                return {};
            }
            auto installed = stand_in(builtin.file);
            if (!installed) {
                error = "--extension " + path + ": stand-ins/" + builtin.file +
                        " is not installed beside this lambda-emu; reinstall lambda-emu";
                return {};
            }
            found.push_back(std::move(*installed));
            continue;
        }
        if (!fs::is_regular_file(path, ec)) {
            error = "--extension " + path + " is not a file";
            return {};
        }
        found.push_back(fs::absolute(path, ec).lexically_normal());
    }
    if (auto clash = duplicate_extension_name(found)) {
        error = *clash;
        return {};
    }
    return found;
}

bool is_lambda_function_name(const std::string& name)
{
    // Lambda's rule for a function's name (not an ARN): 1 to 64 of [a-zA-Z0-9-_].
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

bool is_region_name(const std::string& region)
{
    return !region.empty() && region.size() <= 32 && std::all_of(region.begin(), region.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool is_handler(const std::string& handler)
{
    // Lambda's rule: at most 128 characters, no white space ([^\s]+).
    return !handler.empty() && handler.size() <= 128 && core::is_utf8(handler) &&
           std::none_of(handler.begin(), handler.end(), [](char c) {
               const auto byte = static_cast<unsigned char>(c);
               return byte <= ' ' || byte == 0x7f;
           });
}

// Every number finite and in Lambda's range (or, for the overrides, a sane one), every name of
// Lambda's form: what the command line says is checked before anything starts.
std::optional<std::string> function_settings_problem(const FunctionOptions& options, const std::string& handler)
{
    if (auto problem = out_of_range("--timeout", options.timeout_seconds, Range::above(0, 900), "seconds",
                                    "Lambda allows 1 to 900"))
        return problem;
    if (auto problem = out_of_range("--init-timeout", options.init_timeout_seconds, Range::above(0, 900), "seconds"))
        return problem;
    if (auto problem = out_of_range("--memory", options.memory_mb, Range::between(128, 10240), "MB", "Lambda's range"))
        return problem;
    for (const auto& [option, value] : {std::pair{"--runtime-grace", options.runtime_grace_ms},
                                        std::pair{"--shutdown-budget", options.shutdown_budget_ms}}) {
        if (!value) continue;
        if (auto problem =
                out_of_range(option, static_cast<double>(*value), Range::between(0, kMaxShutdownOverrideMs), "ms"))
            return problem;
    }
    if (options.debug_port) {
        if (auto problem = debug_port_problem(*options.debug_port)) return problem;
    }
    if (options.log_format != "text" && options.log_format != "json") return "--log-format must be text or json";
    if (options.sandbox != "auto" && options.sandbox != "on" && options.sandbox != "off")
        return "--sandbox must be auto, on or off";
    if (options.layers.size() > process::kMaxLayers)
        return "--layer: " + std::to_string(options.layers.size()) + " layers given; Lambda allows at most " +
               std::to_string(process::kMaxLayers) + " per function";
    if (auto problem = out_of_range("--ephemeral-storage", options.ephemeral_storage_mb, Range::between(512, 10240),
                                    "MB", "Lambda's range"))
        return problem;
    if (!options.function_name.empty() && !is_lambda_function_name(options.function_name))
        return "--function-name must be a Lambda function name: 1 to 64 letters, digits, hyphens or underscores";
    if (!is_region_name(options.region))
        return "--region must be a region name such as us-east-1 (lowercase letters, digits and hyphens)";
    if (!is_handler(handler))
        return "--handler must be a Lambda handler: 1 to 128 characters of UTF-8 text without white space";
    return std::nullopt;
}

} // namespace

// The folder holding the running binary: build/ in a build, PREFIX/bin in an installation (a
// release archive unpacked anywhere). What comes with lambda-emu is found from there.
std::optional<std::filesystem::path> own_folder()
{
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return std::nullopt;
    return self.parent_path();
}

// The managed runtimes' clients: the copy LAMBDA_EMU_RUNTIMES_DIR names; else an installation's
// own (share/lambda-emu/runtimes beside bin/); else the project's runtimes/, where
// scripts/setup.sh installs them for a build.
std::filesystem::path runtimes_folder()
{
    if (const char* chosen = std::getenv("LAMBDA_EMU_RUNTIMES_DIR"); chosen && *chosen) return chosen;
    if (const auto folder = own_folder()) {
        const auto installed = folder->parent_path() / "share" / "lambda-emu" / "runtimes";
        std::error_code ec;
        if (std::filesystem::is_directory(installed, ec)) return installed;
    }
    return LAMBDA_EMU_RUNTIMES_DIR;
}

namespace {

// --runtime: the executable, its arguments and variables in place of a bootstrap; the function's
// folder is the task root. Empty `error` when it can start.
std::string use_managed_runtime(const ManagedRuntime& runtime, const std::filesystem::path& function_folder,
                                HostOptions& host, report::RuntimeRecord& record, report::Console& console)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(function_folder, ec)) {
        return "--runtime " + std::string{runtime.id} +
               " runs the handler of a function's folder: " + function_folder.string() + " is not a directory";
    }
    auto resolved = resolve_managed_runtime(runtime, runtimes_folder(), host.path, function_folder.string(),
                                            host.function.handler, host.function.memory_mb);
    if (!resolved.error.empty()) return resolved.error;
    if (!resolved.warning.empty()) console.lifecycle(resolved.warning);
    host.bootstrap = resolved.executable;
    host.bootstrap_arguments = std::move(resolved.arguments);
    host.task_root = function_folder;
    host.managed_runtime = std::move(resolved.variables);
    host.runtime_installation = std::move(resolved.installation);
    record.id = runtime.id;
    host.function.runtime = runtime.id;
    record.version = runtime.runtime_version;
    record.executable = resolved.executable.string();
    record.executable_version = std::move(resolved.executable_version);
    record.client = runtime.client_name;
    return {};
}

// A bootstrap that cannot run is a slip on the command line, said before anything starts (on
// Lambda the same function would fail its Init with Runtime.InvalidEntrypoint).
std::optional<std::string> bootstrap_problem(const std::filesystem::path& bootstrap)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    constexpr const char* kOnLambda = " (Lambda would fail its Init with Runtime.InvalidEntrypoint)";
    if (!fs::exists(bootstrap, ec)) {
        return "bootstrap " + bootstrap.string() + " does not exist" +
               (fs::is_directory(bootstrap.parent_path(), ec)
                    ? std::string{}
                    : " (nor does its folder " + bootstrap.parent_path().string() + ")") +
               kOnLambda;
    }
    if (fs::is_directory(bootstrap, ec)) {
        return "bootstrap " + bootstrap.string() + " is a folder: to run a handler in it, add --runtime with one of " +
               managed_runtime_ids() + "; to run its bootstrap, name " + (bootstrap / "bootstrap").string();
    }
    if (::access(bootstrap.c_str(), X_OK) != 0)
        return "bootstrap " + bootstrap.string() + " is not executable: chmod +x it" + kOnLambda;
    return std::nullopt;
}

// The layers as local folders and .zip files: ARNs mapped (--layer-map), stood in, or left out
// (cli/layer_arns.hpp), each of the last two said in a line.
struct LocalLayers {
    std::vector<std::string> local;
    bool insights_stand_in = false;
    std::vector<std::string> lines;
    std::string error;
};

LocalLayers local_layers(const FunctionOptions& options)
{
    LocalLayers layers;
    std::vector<LayerMapping> mappings;
    for (const auto& text : options.layer_map) {
        auto parsed = parse_layer_mapping(text);
        if (!parsed.error.empty()) {
            layers.error = std::move(parsed.error);
            return layers;
        }
        mappings.push_back(std::move(parsed.mapping));
    }
    for (const auto& layer : options.layers) {
        auto source = resolve_layer(layer, mappings);
        if (!source.message.empty()) layers.lines.push_back(source.message);
        switch (source.kind) {
        case LayerSourceKind::Local: layers.local.push_back(std::move(source.path)); break;
        case LayerSourceKind::InsightsStandIn: layers.insights_stand_in = true; break;
        case LayerSourceKind::LeftOut: break;
        }
    }
    return layers;
}

// A built-in extension (the one that stands in for CloudWatch Lambda Insights, the ones of
// --extension builtin:NAME): beside the executable in a build (stand-ins/), under
// lib/lambda-emu/stand-ins in an installation.
std::optional<std::filesystem::path> stand_in(const std::string& file)
{
    namespace fs = std::filesystem;
    const auto own = own_folder();
    if (!own) return std::nullopt;
    std::error_code ec;
    for (const auto& folder : {*own / "stand-ins", own->parent_path() / "lib" / "lambda-emu" / "stand-ins"}) {
        const fs::path candidate = folder / file;
        if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

// What serve --watch watches: the folders the code comes from, as they were given (the layers'
// are copied into /opt, so a change there is staged again before the next Init).
CodeFolders code_folders(const FunctionOptions& options, const HostOptions& host,
                         const std::vector<std::string>& layers)
{
    CodeFolders code;
    code.task_root = host.task_root;
    if (options.unpacked_code) {
        code.unwatched.push_back("--watch watches folders only: the .zip CodeUri was unpacked once, at the start");
    } else {
        code.watched.push_back(host.task_root);
    }
    std::error_code ec;
    if (!options.extensions_dir.empty()) code.watched.push_back(std::filesystem::absolute(options.extensions_dir, ec));
    for (const auto& layer : layers) {
        const auto path = std::filesystem::absolute(layer, ec).lexically_normal();
        code.layers.push_back(path);
        if (std::filesystem::is_directory(path, ec)) {
            code.watched.push_back(path);
        } else {
            code.unwatched.push_back("--watch watches folders only: the layer " + layer + " is not watched");
        }
    }
    return code;
}

} // namespace

// The regular files of the staged /opt/extensions, in name order.
std::vector<std::filesystem::path> layer_extensions(const std::filesystem::path& staged_opt)
{
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator{staged_opt / "extensions", ec}) {
        if (entry.is_regular_file(ec)) found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}

PreparedFunction prepare_function(const FunctionOptions& options, report::Console& console)
{
    PreparedFunction prepared;
    auto refuse = [&prepared](std::string message) {
        prepared.error = std::move(message);
        return prepared;
    };
    const ManagedRuntime* managed = nullptr;
    if (!options.runtime.empty()) {
        managed = options.max_concurrency ? find_managed_instances_runtime(options.runtime)
                                          : find_managed_runtime(options.runtime);
        if (!managed && (managed = nearest_to_deprecated_runtime(options.runtime))) {
            console.lifecycle("warning: " + options.runtime +
                              " is a runtime Lambda has deprecated and no longer accepts for new functions; it runs "
                              "here as " +
                              std::string{managed->id} + ", the nearest lambda-emu provides");
        }
        if (!managed) {
            return refuse("--runtime " + options.runtime + " is not a runtime lambda-emu provides (" +
                          managed_runtime_ids() + "); for any other, give its bootstrap: lambda-emu run ./bootstrap");
        }
        if (!options.bootstrap_arguments.empty())
            return refuse("--runtime " + options.runtime + " takes the function's folder and no arguments after it");
    }
    auto exit_policy = parse_exit_policy(options.fail_on, options.allow_kill);
    if (!exit_policy.error.empty()) return refuse(std::move(exit_policy.error));
    prepared.record.exit_policy = exit_policy.policy;
    // Said before anything is prepared; found on disk with the other extensions.
    for (const auto& extension : options.extensions) {
        if (!names_builtin_extension(extension)) continue;
        if (auto builtin = builtin_extension(extension); !builtin.error.empty())
            return refuse(std::move(builtin.error));
    }
    const std::string handler = options.handler.value_or(managed ? "index.handler" : "function.handler");
    if (auto problem = function_settings_problem(options, handler)) return refuse(std::move(*problem));
    if (options.debug_port && !has_debugger(managed))
        return refuse(no_debugger_error(static_cast<unsigned short>(*options.debug_port), managed));
    for (const auto& notice : options.notices) console.lifecycle(notice);
    auto layers = local_layers(options);
    if (!layers.error.empty()) return refuse(std::move(layers.error));
    for (const auto& line : layers.lines) console.lifecycle(line);
    auto customer = read_customer_variables(options.env_files, options.env);
    if (!customer.error.empty()) return refuse(customer.error);
    // The template's variables first, then --env-vars (SAM's JSON), then --env-file and --env.
    core::Variables layered = options.template_variables;
    if (!options.env_vars_path.empty()) {
        auto from_json =
            read_env_vars_file(options.env_vars_path, {options.template_logical_id, options.function_name});
        if (!from_json.error.empty()) return refuse(std::move(from_json.error));
        for (auto& variable : from_json.variables) {
            // As SAM: with a template, only the variables it declares are set from the file.
            const auto& declared = options.template_variable_names;
            if (!options.template_path.empty() &&
                std::find(declared.begin(), declared.end(), variable.first) == declared.end())
                continue;
            layered.push_back(std::move(variable));
        }
    }
    customer.variables.insert(customer.variables.begin(), layered.begin(), layered.end());
    for (const auto& [name, error] : options.unresolved_template_variables) {
        const bool given = std::any_of(customer.variables.begin(), customer.variables.end(),
                                       [&name](const auto& variable) { return variable.first == name; });
        if (!given) return refuse(error);
    }
    if (auto too_large = variables_size_error(customer.variables)) return refuse(std::move(*too_large));

    std::error_code fs_error;
    const auto bootstrap = std::filesystem::absolute(options.bootstrap, fs_error).lexically_normal();
    HostOptions& host = prepared.host;
    host.bootstrap = bootstrap;
    host.bootstrap_arguments = options.bootstrap_arguments;
    // A managed runtime's task root is the function's folder itself, a bootstrap's its folder.
    const auto function_folder = bootstrap.has_filename() ? bootstrap : bootstrap.parent_path();
    host.task_root = managed ? function_folder : bootstrap.parent_path();
    host.function.name = options.function_name.empty() ? host.task_root.filename().string() : options.function_name;
    if (host.function.name.empty()) host.function.name = "function";
    host.function.handler = handler;
    host.function.region = options.region;
    host.function.log_format = options.log_format == "json" ? "JSON" : "Text";
    host.function.memory_mb = options.memory_mb;
    host.function.timeout = seconds_to_ms(options.timeout_seconds);
    host.function.init_timeout = seconds_to_ms(options.init_timeout_seconds);
    host.function.tenant_isolation = options.tenant_isolation;
    if (options.runtime_grace_ms) host.overrides.runtime_grace = core::Millis{*options.runtime_grace_ms};
    if (options.shutdown_budget_ms) host.overrides.shutdown_budget = core::Millis{*options.shutdown_budget_ms};
    host.customer_variables = std::move(customer.variables);
    host.passed_through = passed_through_variables();
    const char* path = std::getenv("PATH");
    host.path = path ? path : "/usr/local/bin:/usr/bin:/bin";
    host.port = options.port;
    prepared.record.runtime.executable = bootstrap.string();
    if (managed) {
        if (auto error = use_managed_runtime(*managed, function_folder, host, prepared.record.runtime, console);
            !error.empty())
            return refuse(std::move(error));
    }
    if (options.max_concurrency) {
        if (auto problem = managed_instances_problem(*options.max_concurrency, options.memory_mb,
                                                     options.memory_gib_per_vcpu, host.function.runtime))
            return refuse(std::move(*problem));
        host.function.execution_model = core::ExecutionModel::ManagedInstances;
        host.function.max_concurrency = *options.max_concurrency;
        // Init may take up to the larger of 130 s and the function's timeout there, unless told otherwise.
        if (options.init_timeout_seconds == FunctionOptions{}.init_timeout_seconds)
            host.function.init_timeout = std::max(core::Millis{130000}, host.function.timeout);
    }
    // Said before anything is prepared, unless a layer may hold /opt/bootstrap (checked below).
    if (!managed && layers.local.empty()) {
        if (auto problem = bootstrap_problem(bootstrap)) return refuse(std::move(*problem));
    }
    auto resources = prepare_resources(options, prepared.record.resources, console);
    if (!resources.error.empty()) {
        prepared.error_exit_code = exit_codes::kEmulatorError;
        return refuse(std::move(resources.error));
    }
    host.cgroup_site = resources.site;
    host.function.vcpus = resources.vcpus;
    const bool has_cgroup = host.cgroup_site.has_value();
    auto sandbox = prepare_sandbox(options, layers.local, host.task_root, has_cgroup, prepared.record.sandbox, console);
    if (!sandbox.error.empty()) {
        prepared.error_exit_code = sandbox.error_exit_code;
        return refuse(std::move(sandbox.error));
    }
    host.sandbox = sandbox.settings;
    // In the sandbox the runtime finds the function at /var/task: NODE_PATH names it there.
    if (managed && host.sandbox)
        host.managed_runtime =
            managed_runtime_variables(*managed, {"/var/task", (runtimes_folder() / managed->runtime_dir).string()});

    std::string discovery_error;
    host.extensions = discover_extensions(options, host.task_root, discovery_error);
    if (!discovery_error.empty()) return refuse(discovery_error);
    if (layers.insights_stand_in) {
        auto agent = stand_in("cloudwatch_lambda_agent");
        if (!agent)
            return refuse("the Lambda Insights stand-in (stand-ins/cloudwatch_lambda_agent) is not "
                          "installed beside this lambda-emu; reinstall it, or --layer-map "
                          "LambdaInsightsExtension=PATH");
        host.extensions.push_back(*agent);
    }
    if (host.sandbox) {
        // Lambda starts the executables of /opt/extensions: the layers' come first.
        auto from_layers = layer_extensions(host.sandbox->layers->path());
        host.extensions.insert(host.extensions.begin(), from_layers.begin(), from_layers.end());
        if (auto clash = duplicate_extension_name(host.extensions)) return refuse(*clash);
    }

    prepared.record.function = host.function;
    prepared.record.bootstrap = host.bootstrap.string();
    for (const auto& extension : host.extensions) prepared.record.extension_paths.push_back(extension.string());
    if (options.debug_port) {
        auto debugger =
            start_debugger(static_cast<unsigned short>(*options.debug_port), *managed, runtimes_folder(), host);
        if (!debugger.error.empty()) {
            prepared.error_exit_code = debugger.error_exit_code;
            return refuse(std::move(debugger.error));
        }
        console.lifecycle(debugger.line);
    }
    prepared.reports = {options.report_path, options.junit_path, options.html_path, options.summary_path};
    prepared.code = code_folders(options, host, layers.local);
    host.freeze = !options.no_freeze;
    // While debugging the core never asks for the freeze (core/debug_mode.hpp): the report says it was off.
    const bool frozen = host.freeze && host.debug == core::DebugMode::Off;
    prepared.record.freeze_method = !frozen      ? ""
                                    : has_cgroup ? process::EnvironmentCgroup::kFreezeMethod
                                                 : process::Freezer::kMethod;
    // One limit, said in both places the report has for it (the sandbox's is the older).
    const auto memory_limit = has_cgroup     ? process::MemoryLimitMethod::Kernel
                              : host.sandbox ? host.sandbox->memory_limit
                                             : process::MemoryLimitMethod::None;
    prepared.record.sandbox.memory_limit = prepared.record.resources.memory_limit = process::to_string(memory_limit);

    if (managed) return prepared;
    const bool bootstrap_from_layer =
        host.sandbox && std::filesystem::exists(host.sandbox->layers->path() / "bootstrap", fs_error);
    if (bootstrap_from_layer && !std::filesystem::exists(bootstrap, fs_error)) {
        console.lifecycle("bootstrap: /opt/bootstrap, from a layer (Lambda looks in /var/task, then /opt)");
    } else if (auto problem = bootstrap_problem(bootstrap)) {
        return refuse(std::move(*problem));
    }
    return prepared;
}

} // namespace lambda_emu
