#include "template_options.hpp"

#include "customer_variables.hpp"
#include "input_file.hpp"
#include "template/sam_template.hpp"

#include <filesystem>

namespace lambda_emu {

namespace {

// `--template .` (or the project's folder) is an easy slip: say so, and name the template in it.
std::string folder_error(const std::filesystem::path& folder)
{
    std::string error = "--template " + folder.string() + " is a folder, not a template file";
    for (const char* name : {"template.yaml", "template.yml"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(folder / name, ec))
            return error + "; did you mean --template " + (folder / name).string() + "?";
    }
    return error;
}

// The template's text, read with CloudFormation's bound: a device (/dev/zero) or a pipe is not a
// template (its folder is where CodeUri starts), and a file over 1 MB would not deploy.
sam::ReadFunction read_template(const std::string& path, const std::string& logical_id)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return {{}, folder_error(path)};
    InputFileRules rules;
    rules.max_bytes = sam::kMaxTemplateBytes;
    rules.limit = "1 MB (1048576 bytes), CloudFormation's limit for a template";
    const auto file = read_input_file(path, "--template " + path, rules);
    if (!file.error.empty()) return {{}, file.error};
    return sam::read_function(file.text, std::filesystem::absolute(path, ec).parent_path(), logical_id);
}

} // namespace

std::string apply_template(FunctionOptions& options, const std::set<std::string>& given)
{
    const auto read = read_template(options.template_path, options.bootstrap);
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
        if (auto problem = variable_name_error(key))
            return "template: " + function.logical_id + ".Environment.Variables: " + *problem;
        options.template_variables.emplace_back(key, value);
    }
    return {};
}

} // namespace lambda_emu
