#include "customer_variables.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace lambda_emu {

namespace {

// Adds KEY=VALUE; returns what is wrong with it, or nothing.
std::string add(core::Variables& variables, const std::string& assignment, const std::string& where)
{
    const auto equals = assignment.find('=');
    if (equals == std::string::npos) return where + ": '" + assignment + "' is not KEY=VALUE";
    const std::string key = assignment.substr(0, equals);
    if (auto reserved = core::reserved_variable_error(key)) return where + ": " + *reserved;
    variables.emplace_back(key, assignment.substr(equals + 1));
    return {};
}

} // namespace

CustomerVariables read_customer_variables(const std::vector<std::string>& env_files,
                                          const std::vector<std::string>& env)
{
    CustomerVariables result;
    for (const auto& path : env_files) {
        std::ifstream file{path};
        if (!file) {
            result.error = "cannot read --env-file " + path + ": " + std::strerror(errno);
            return result;
        }
        std::string line;
        for (int number = 1; std::getline(file, line); ++number) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            const auto first = line.find_first_not_of(" \t");
            if (first == std::string::npos || line[first] == '#') continue;
            result.error = add(result.variables, line.substr(first), path + ":" + std::to_string(number));
            if (!result.error.empty()) return result;
        }
    }
    for (const auto& assignment : env) {
        result.error = add(result.variables, assignment, "--env");
        if (!result.error.empty()) return result;
    }
    return result;
}

} // namespace lambda_emu
