#include "function_options.hpp"

#include "customer_variables.hpp"
#include "exit_codes.hpp"
#include "numeric_checks.hpp"
#include "report/utf8.hpp"

#include <algorithm>
#include <cmath>
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

// External extensions: every regular file of the extensions directory, in name order, then each
// --extension. The directory is `opt/extensions` beside the bootstrap (a zip with a layer) unless
// --extensions-dir names one.
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
        if (!fs::is_regular_file(path, ec)) {
            error = "--extension " + path + " is not a file";
            return {};
        }
        found.push_back(fs::absolute(path, ec).lexically_normal());
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (found[i].filename() == found[j].filename()) {
                error = "two extensions are named " + found[i].filename().string() +
                        ": an extension registers under its file name, which must be unique";
                return {};
            }
        }
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
    return !handler.empty() && handler.size() <= 128 && report::is_utf8(handler) &&
           std::none_of(handler.begin(), handler.end(), [](char c) {
               const auto byte = static_cast<unsigned char>(c);
               return byte <= ' ' || byte == 0x7f;
           });
}

// Every number finite and in Lambda's range (or, for the overrides, a sane one), every name of
// Lambda's form: what the command line says is checked before anything starts.
std::optional<std::string> function_settings_problem(const FunctionOptions& options)
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
    if (options.log_format != "text" && options.log_format != "json") return "--log-format must be text or json";
    if (!options.function_name.empty() && !is_lambda_function_name(options.function_name))
        return "--function-name must be a Lambda function name: 1 to 64 letters, digits, hyphens or underscores";
    if (!is_region_name(options.region))
        return "--region must be a region name such as us-east-1 (lowercase letters, digits and hyphens)";
    if (!is_handler(options.handler))
        return "--handler must be a Lambda handler: 1 to 128 characters of UTF-8 text without white space";
    return std::nullopt;
}

} // namespace

PreparedFunction prepare_function(const FunctionOptions& options, report::Console& console)
{
    PreparedFunction prepared;
    auto refuse = [&prepared](std::string message) {
        prepared.error = std::move(message);
        return prepared;
    };
    if (auto problem = function_settings_problem(options)) return refuse(std::move(*problem));
    auto customer = read_customer_variables(options.env_files, options.env);
    if (!customer.error.empty()) return refuse(customer.error);

    std::error_code fs_error;
    const auto bootstrap = std::filesystem::absolute(options.bootstrap, fs_error).lexically_normal();
    HostOptions& host = prepared.host;
    host.bootstrap = bootstrap;
    host.bootstrap_arguments = options.bootstrap_arguments;
    host.task_root = bootstrap.parent_path();
    host.function.name = options.function_name.empty() ? host.task_root.filename().string() : options.function_name;
    if (host.function.name.empty()) host.function.name = "function";
    host.function.handler = options.handler;
    host.function.region = options.region;
    host.function.log_format = options.log_format == "json" ? "JSON" : "Text";
    host.function.memory_mb = options.memory_mb;
    host.function.timeout = seconds_to_ms(options.timeout_seconds);
    host.function.init_timeout = seconds_to_ms(options.init_timeout_seconds);
    if (options.runtime_grace_ms) host.overrides.runtime_grace = core::Millis{*options.runtime_grace_ms};
    if (options.shutdown_budget_ms) host.overrides.shutdown_budget = core::Millis{*options.shutdown_budget_ms};
    host.customer_variables = std::move(customer.variables);
    host.passed_through = passed_through_variables();
    const char* path = std::getenv("PATH");
    host.path = path ? path : "/usr/local/bin:/usr/bin:/bin";
    host.port = options.port;
    std::string discovery_error;
    host.extensions = discover_extensions(options, host.task_root, discovery_error);
    if (!discovery_error.empty()) return refuse(discovery_error);

    prepared.record.function = host.function;
    prepared.record.bootstrap = host.bootstrap.string();
    for (const auto& extension : host.extensions) prepared.record.extension_paths.push_back(extension.string());
    prepared.record.allow_kill = options.allow_kill == "idle" ? report::KillAllowance::Idle
                                 : options.allow_kill.empty() ? report::KillAllowance::None
                                                              : report::KillAllowance::Any;
    prepared.reports = {options.report_path, options.junit_path};

    if (!std::filesystem::exists(bootstrap, fs_error)) {
        console.lifecycle("warning: bootstrap " + bootstrap.string() + " does not exist (Runtime.InvalidEntrypoint)");
    } else if (::access(bootstrap.c_str(), X_OK) != 0 || std::filesystem::is_directory(bootstrap, fs_error)) {
        console.lifecycle("warning: bootstrap " + bootstrap.string() +
                          " is not an executable file (Runtime.InvalidEntrypoint); chmod +x it");
    }
    return prepared;
}

} // namespace lambda_emu
