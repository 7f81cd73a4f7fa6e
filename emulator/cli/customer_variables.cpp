#include "customer_variables.hpp"

#include "core/json_text.hpp"
#include "dotenv.hpp"
#include "input_file.hpp"

#include <algorithm>
#include <sstream>
#include <unordered_map>

namespace lambda_emu {

namespace {

// The name as JSON would write it, so a newline or a quote in it stays on the error's one line.
std::string json_string(const std::string& text)
{
    return core::json_text(nlohmann::json(text));
}

bool is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Adds KEY=VALUE; returns what is wrong with it, or nothing.
std::string add(core::Variables& variables, const std::string& assignment, const std::string& where)
{
    const auto equals = assignment.find('=');
    if (equals == std::string::npos) return where + ": " + json_string(assignment) + " is not KEY=VALUE";
    const std::string key = assignment.substr(0, equals);
    if (auto problem = variable_name_error(key)) return where + ": " + *problem;
    variables.emplace_back(key, assignment.substr(equals + 1));
    return {};
}

// `--env-file <(vault read ...)` keeps secrets off the disk, so a pipe is read as well as a file:
// bounded in size, and in time (its writer must finish within 10 s), so that a pipe that never
// closes cannot hang the emulator. A device (/dev/zero) or a folder is never a file of variables.
InputFileRules env_file_rules()
{
    InputFileRules rules;
    rules.max_bytes = kMaxEnvFileBytes;
    rules.limit = "64 KB (65536 bytes), lambda-emu's limit for an env file: Lambda takes 4 KB of variables in all";
    rules.pipe_allowed = true;
    return rules;
}

} // namespace

CustomerVariables read_customer_variables(const std::vector<std::string>& env_files,
                                          const std::vector<std::string>& env)
{
    CustomerVariables result;
    for (const auto& path : env_files) {
        const auto file = read_input_file(path, "--env-file " + path, env_file_rules());
        if (!file.error.empty()) {
            result.error = file.error;
            return result;
        }
        std::istringstream lines{file.text};
        std::string text;
        for (int number = 1; std::getline(lines, text); ++number) {
            const std::string where = path + ":" + std::to_string(number);
            const auto line = parse_dotenv_line(text);
            if (line.kind == DotenvLine::Kind::Nothing) continue;
            if (line.kind == DotenvLine::Kind::Malformed) {
                result.error = where + ": " + json_string(text) + " " + line.problem;
                return result;
            }
            if (auto problem = variable_name_error(line.key)) {
                result.error = where + ": " + *problem;
                return result;
            }
            result.variables.emplace_back(line.key, line.value);
        }
    }
    for (const auto& assignment : env) {
        result.error = add(result.variables, assignment, "--env");
        if (!result.error.empty()) return result;
    }
    return result;
}

std::optional<std::string> variable_name_error(const std::string& key)
{
    if (auto reserved = core::reserved_variable_error(key)) return reserved;
    // Lambda's API takes a key of the pattern [a-zA-Z]([a-zA-Z0-9_])+ (API_Environment): a
    // letter, then at least one more character; anything else fails CreateFunction. Without
    // this, a key "A=B" would reach the function as A with the value "B=...".
    const bool lambda_name =
        key.size() >= 2 && is_ascii_letter(key.front()) && std::all_of(key.begin() + 1, key.end(), [](char c) {
            return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '_';
        });
    if (lambda_name) return std::nullopt;
    return json_string(key) +
           " is not a variable name Lambda accepts: it must match [a-zA-Z]([a-zA-Z0-9_])+ (a letter, then one or "
           "more letters, digits or underscores)";
}

std::optional<std::string> variables_size_error(const core::Variables& variables)
{
    // Lambda measures the variables as the JSON of their map, {"KEY":"VALUE",...} (its error
    // quotes that "String measured"), and refuses more than 4 KB. Measured after overrides: only
    // the last value of a key reaches Lambda.
    std::unordered_map<std::string, std::size_t> position;
    std::vector<std::size_t> bytes;
    std::vector<std::string> keys;
    for (const auto& [key, value] : variables) {
        const auto size = json_string(key).size() + 1 + json_string(value).size();
        if (const auto known = position.find(key); known != position.end()) {
            bytes[known->second] = size;
            continue;
        }
        position.emplace(key, bytes.size());
        bytes.push_back(size);
        keys.push_back(key);
    }
    std::size_t measured = 2 + (bytes.empty() ? 0 : bytes.size() - 1); // {} and the commas
    std::size_t largest = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        measured += bytes[i];
        if (bytes[i] > bytes[largest]) largest = i;
    }
    if (measured <= kMaxVariablesBytes) return std::nullopt;
    return "the environment variables measure " + std::to_string(measured) +
           " bytes, over Lambda's 4 KB limit (4096 bytes of {\"KEY\":\"VALUE\",...}, as Lambda measures them); the "
           "largest is " +
           json_string(keys[largest]) + " (" + std::to_string(bytes[largest]) + " bytes)";
}

} // namespace lambda_emu
