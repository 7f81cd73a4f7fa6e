#include "json_check.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::invoke {

std::optional<std::string> json_problem(const std::string& bytes)
{
    if (nlohmann::json::accept(bytes)) return std::nullopt; // the fast path: no document is built
    try {
        const auto parsed = nlohmann::json::parse(bytes);
        (void)parsed;
    } catch (const nlohmann::json::exception& error) {
        // Not only parse_error: a number out of range ("1e999") is out_of_range.406.
        return error.what();
    }
    return "unknown reason";
}

} // namespace lambda_emu::invoke
