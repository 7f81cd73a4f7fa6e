#include "json_check.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace lambda_emu::invoke {

static_assert(kJsonCheckPadding >= simdjson::SIMDJSON_PADDING);

namespace {

bool simdjson_accepts(const std::string& bytes)
{
    simdjson::dom::parser parser;
    if (bytes.capacity() - bytes.size() >= simdjson::SIMDJSON_PADDING) {
        // The body reader reserved the padding: validate in place, no copy.
        return !parser.parse(bytes.data(), bytes.size(), false).error();
    }
    // A buffer without room past its end: simdjson copies it once into a padded buffer.
    return !parser.parse(bytes.data(), bytes.size(), true).error();
}

} // namespace

std::optional<std::string> json_problem(const std::string& bytes)
{
    if (simdjson_accepts(bytes)) return std::nullopt; // the fast path: no tokens, no document
    if (nlohmann::json::accept(bytes)) return std::nullopt;
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
