#include "env_vars_file.hpp"

#include "customer_variables.hpp"
#include "input_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace lambda_emu {

namespace {

// A value as SAM takes it: a string as it is, a number or a boolean as its JSON text.
std::optional<std::string> value_text(const nlohmann::ordered_json& value)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump();
    return std::nullopt;
}

std::string add_object(const nlohmann::ordered_json& object, const std::string& where, core::Variables& variables)
{
    if (!object.is_object()) return where + " is not an object of NAME: VALUE";
    for (const auto& [key, value] : object.items()) {
        const auto text = value_text(value);
        if (!text) return where + "." + key + " is neither a string, a number nor a boolean";
        if (auto problem = variable_name_error(key)) return where + ": " + *problem;
        const auto same = std::find_if(variables.begin(), variables.end(),
                                       [&key](const auto& variable) { return variable.first == key; });
        if (same != variables.end()) same->second = *text;
        else variables.emplace_back(key, *text);
    }
    return {};
}

} // namespace

EnvVarsFile read_env_vars_file(const std::string& path, const std::vector<std::string>& function_keys)
{
    EnvVarsFile result;
    InputFileRules rules;
    rules.max_bytes = kMaxEnvFileBytes;
    rules.limit = "64 KB (65536 bytes), lambda-emu's limit for an env file: Lambda takes 4 KB of variables in all";
    rules.pipe_allowed = true;
    const std::string what = "--env-vars " + path;
    const auto file = read_input_file(path, what, rules);
    if (!file.error.empty()) {
        result.error = file.error;
        return result;
    }
    const auto json = nlohmann::ordered_json::parse(file.text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        result.error = what + " is not a JSON object like {\"Parameters\": {\"NAME\": \"VALUE\"}}";
        return result;
    }
    if (const auto shared = json.find("Parameters"); shared != json.end()) {
        result.error = add_object(*shared, what + ": Parameters", result.variables);
        if (!result.error.empty()) return result;
    }
    for (const auto& key : function_keys) {
        if (key.empty() || key == "Parameters") continue;
        if (const auto own = json.find(key); own != json.end()) {
            result.error = add_object(*own, what + ": " + key, result.variables);
            if (!result.error.empty()) return result;
            break;
        }
    }
    return result;
}

} // namespace lambda_emu
