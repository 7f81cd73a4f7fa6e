#include "json_check.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::invoke {

std::optional<std::string> json_problem(const std::string& bytes)
{
    if (nlohmann::json::accept(bytes)) return std::nullopt; // the fast path: no document is built
    try {
        const auto parsed = nlohmann::json::parse(bytes);
        (void)parsed;
    } catch (const nlohmann::json::parse_error& error) {
        return error.what();
    }
    return "unknown reason";
}

} // namespace lambda_emu::invoke
