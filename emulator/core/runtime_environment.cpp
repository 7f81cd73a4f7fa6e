#include "runtime_environment.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace lambda_emu::core {

namespace {

// Keys Lambda sets itself and refuses in a function's configuration (configuration-envvars).
constexpr std::array<std::string_view, 19> kReserved{
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_MAX_CONCURRENCY",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
};

void set(Variables& variables, const std::string& key, const std::string& value)
{
    auto existing = std::find_if(variables.begin(), variables.end(), [&](const auto& kv) { return kv.first == key; });
    if (existing != variables.end()) existing->second = value;
    else variables.emplace_back(key, value);
}

} // namespace

std::vector<std::string> runtime_environment(const FunctionConfig& config, const RuntimeEnvironmentInputs& inputs)
{
    Variables variables;
    set(variables, "AWS_LAMBDA_RUNTIME_API", inputs.runtime_api);
    set(variables, "_HANDLER", config.handler);
    set(variables, "LAMBDA_TASK_ROOT", inputs.task_root);
    // /var/runtime does not exist on a developer's machine; the task root is the nearest truth.
    set(variables, "LAMBDA_RUNTIME_DIR", inputs.task_root);
    set(variables, "AWS_LAMBDA_FUNCTION_NAME", config.name);
    set(variables, "AWS_LAMBDA_FUNCTION_VERSION", config.version);
    set(variables, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(config.memory_mb));
    set(variables, "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + config.name);
    set(variables, "AWS_LAMBDA_LOG_STREAM_NAME", inputs.log_stream_name);
    set(variables, "AWS_REGION", config.region);
    set(variables, "AWS_DEFAULT_REGION", config.region);
    if (config.execution_model == ExecutionModel::ManagedInstances) {
        // What AWS's clients switch their multi-concurrent mode on (docs/managed-instances.md).
        set(variables, "AWS_LAMBDA_INITIALIZATION_TYPE", "lambda-managed-instances");
        set(variables, "AWS_LAMBDA_MAX_CONCURRENCY", std::to_string(config.max_concurrency));
    } else {
        set(variables, "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    }
    set(variables, "TZ", ":UTC");
    set(variables, "LANG", "en_US.UTF-8");
    set(variables, "PATH", inputs.path);
    set(variables, "AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000");
    set(variables, "AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR");
    set(variables, "_AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1");
    set(variables, "_AWS_XRAY_DAEMON_PORT", "2000");
    // Present when a log format is configured; Text is the default and leaves it out (docs/lambda-rules.md §5.1).
    if (config.log_format == "JSON") set(variables, "AWS_LAMBDA_LOG_FORMAT", "JSON");
    for (const auto& [key, value] : inputs.managed_runtime) set(variables, key, value);
    for (const auto& [key, value] : inputs.passed_through) set(variables, key, value);
    // Customer variables last: Lambda lets them override the unreserved ones (PATH, LANG, TZ, ...).
    for (const auto& [key, value] : inputs.customer) set(variables, key, value);

    std::vector<std::string> environment;
    environment.reserve(variables.size());
    for (const auto& [key, value] : variables) environment.push_back(key + "=" + value);
    return environment;
}

std::vector<std::string> extension_environment(const std::vector<std::string>& runtime_environment)
{
    static constexpr std::array<std::string_view, 10> kRuntimeOnly{
        "AWS_EXECUTION_ENV",          "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_XRAY_CONTEXT_MISSING",
        "AWS_XRAY_DAEMON_ADDRESS",    "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",           "_AWS_XRAY_DAEMON_ADDRESS",
        "_AWS_XRAY_DAEMON_PORT",      "_HANDLER"};
    std::vector<std::string> environment;
    for (const auto& entry : runtime_environment) {
        const std::string_view key = std::string_view{entry}.substr(0, entry.find('='));
        if (key.empty() || key.front() == '_') continue;
        if (std::find(kRuntimeOnly.begin(), kRuntimeOnly.end(), key) != kRuntimeOnly.end()) continue;
        environment.push_back(entry);
    }
    return environment;
}

std::optional<std::string> reserved_variable_error(const std::string& key)
{
    if (key.empty()) return "an environment variable needs a name (KEY=VALUE)";
    if (std::find(kReserved.begin(), kReserved.end(), key) == kReserved.end()) return std::nullopt;
    std::string message = key + " is reserved: Lambda sets it itself";
    if (key == "AWS_REGION" || key == "AWS_DEFAULT_REGION") message += " (use --region)";
    else if (key == "AWS_LAMBDA_FUNCTION_NAME") message += " (use --function-name)";
    else if (key == "AWS_LAMBDA_FUNCTION_MEMORY_SIZE") message += " (use --memory)";
    else if (key == "_HANDLER") message += " (use --handler)";
    else if (key.rfind("AWS_", 0) == 0 && key.find("KEY") != std::string::npos)
        message += " (credentials are passed through from the emulator's own environment)";
    else if (key == "AWS_SESSION_TOKEN")
        message += " (credentials are passed through from the emulator's own environment)";
    return message;
}

std::string log_stream_name(const std::string& version, const std::string& date_utc, const std::string& hex32)
{
    return date_utc + "/[" + version + "]" + hex32;
}

} // namespace lambda_emu::core
