#pragma once
// Percent-decoding (RFC 3986 section 2.1) of a path segment or a query value as the client sent it.
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu::http {

// The decoded bytes (which may be anything, including invalid UTF-8), or nothing when a `%` is
// not followed by two hex digits ("%zz", a trailing "%4"): such a name cannot be what was meant.
std::optional<std::string> percent_decode(std::string_view text);

// The first escape that percent_decode refuses ("%zz", "%4", "%"), for an error message.
std::string_view first_bad_escape(std::string_view text);

} // namespace lambda_emu::http
