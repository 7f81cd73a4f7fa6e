#pragma once
// Text from outside (process output, names, command-line values, request bodies) checked or
// repaired as UTF-8, for the places that need valid text: XML and HTML reports, values Lambda
// restricts, a function URL body sent as text.
#include <cstddef>
#include <string>
#include <string_view>

namespace lambda_emu::core {

bool is_utf8(std::string_view bytes);
// Every invalid or incomplete sequence becomes U+FFFD, as JSON documents get it (json_text.hpp).
std::string valid_utf8(std::string_view bytes);
// At most `limit` bytes of `text`, cut where a character starts (not inside one of UTF-8's
// multi-byte sequences): a line kept short for a report stays as valid as it was.
std::string_view utf8_prefix(std::string_view text, std::size_t limit);

} // namespace lambda_emu::core
