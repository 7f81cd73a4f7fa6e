#pragma once
// Lambda takes any JSON value as an event; what is not JSON is refused with the parser's words.
#include <cstddef>
#include <optional>
#include <string>

namespace lambda_emu::invoke {

// Room a body's buffer should keep past its end so the validator reads it in place (simdjson
// reads 64 bytes at a time and needs that many readable bytes past the end: SIMDJSON_PADDING).
inline constexpr std::size_t kJsonCheckPadding = 64;

// Nothing when `bytes` is JSON; else why not ("[json.exception.parse_error.101] ...").
// Valid JSON is recognised by simdjson (GB/s, no tokens built); only what it refuses is parsed
// again by nlohmann-json, whose verdict and words are the answer (so 1e999 and the like keep
// their out_of_range.406 message, and a value simdjson is stricter about is still accepted).
std::optional<std::string> json_problem(const std::string& bytes);

} // namespace lambda_emu::invoke
