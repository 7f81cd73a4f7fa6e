#include "template_options.hpp"

#include "core/runtime_environment.hpp"
#include "template/sam_template.hpp"

namespace lambda_emu {

std::string apply_template(FunctionOptions& options, const std::set<std::string>& given)
{
    const auto read = sam::read_function_file(options.template_path, options.bootstrap);
    if (!read.error.empty()) return read.error;
    const auto& function = read.function;
    const auto wins = [&given](const char* option) { return given.contains(option); };

    // provided.*: Lambda runs the `bootstrap` file at the root of the code; a managed runtime (nodejs22.x)
    // runs the handler found in the code's folder.
    const auto code =
        function.code_uri ? *function.code_uri : std::filesystem::absolute(options.template_path).parent_path();
    if (function.runtime && !function.runtime->starts_with("provided") && !wins("--runtime"))
        options.runtime = *function.runtime;
    options.bootstrap = options.runtime.empty() ? (code / "bootstrap").string() : code.string();
    if (!wins("--function-name")) options.function_name = function.function_name.value_or(function.logical_id);
    if (function.handler && !wins("--handler")) options.handler = *function.handler;
    if (function.memory_mb && !wins("--memory")) options.memory_mb = *function.memory_mb;
    if (function.timeout_seconds && !wins("--timeout")) options.timeout_seconds = *function.timeout_seconds;
    if (function.ephemeral_storage_mb && !wins("--ephemeral-storage"))
        options.ephemeral_storage_mb = *function.ephemeral_storage_mb;
    // Lambda stacks the function's layers in the order it names them; --layer options replace them.
    if (!function.layers.empty() && !wins("--layer")) {
        options.layers.clear();
        for (const auto& layer : function.layers) options.layers.push_back(layer.string());
    }
    if (function.log_format && !wins("--log-format")) {
        if (*function.log_format == "JSON") options.log_format = "json";
        else if (*function.log_format == "Text") options.log_format = "text";
        else
            return "template: " + function.logical_id + ".LoggingConfig.LogFormat: '" + *function.log_format +
                   "' is neither Text nor JSON; pass --log-format text|json";
    }
    // Before --env-file and --env, which therefore override them.
    for (const auto& [key, value] : function.variables) {
        if (auto reserved = core::reserved_variable_error(key))
            return "template: " + function.logical_id + ".Environment.Variables." + key + ": " + *reserved;
        options.template_variables.emplace_back(key, value);
    }
    return {};
}

} // namespace lambda_emu
