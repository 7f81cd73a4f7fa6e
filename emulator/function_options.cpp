#include "function_options.hpp"

#include "customer_variables.hpp"
#include "exit_codes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace lambda_emu {

namespace {

core::Millis seconds_to_ms(double seconds) { return core::Millis{static_cast<long long>(std::llround(seconds * 1000))}; }

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
    fs::path directory = options.extensions_dir.empty() ? task_root / "opt" / "extensions" : fs::path{options.extensions_dir};
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

} // namespace

PreparedFunction prepare_function(const FunctionOptions& options, report::Console& console)
{
    PreparedFunction prepared;
    auto refuse = [&prepared](std::string message) {
        prepared.error = std::move(message);
        return prepared;
    };
    if (options.timeout_seconds <= 0 || options.timeout_seconds > 900)
        return refuse("--timeout must be between 0 and 900 seconds (Lambda's range)");
    if (options.init_timeout_seconds <= 0) return refuse("--init-timeout must be positive");
    if (options.memory_mb < 128 || options.memory_mb > 10240)
        return refuse("--memory must be between 128 and 10240 MB (Lambda's range)");
    if (options.log_format != "text" && options.log_format != "json") return refuse("--log-format must be text or json");
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

    if (!std::filesystem::exists(bootstrap, fs_error)) {
        console.lifecycle("warning: bootstrap " + bootstrap.string() + " does not exist (Runtime.InvalidEntrypoint)");
    } else if (::access(bootstrap.c_str(), X_OK) != 0 || std::filesystem::is_directory(bootstrap, fs_error)) {
        console.lifecycle("warning: bootstrap " + bootstrap.string() +
                          " is not an executable file (Runtime.InvalidEntrypoint); chmod +x it");
    }
    return prepared;
}

} // namespace lambda_emu
