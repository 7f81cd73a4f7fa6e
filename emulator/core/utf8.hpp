#pragma once
// Text from outside (process output, names, command-line values, request bodies) checked or
// repaired as UTF-8, for the places that need valid text: XML and HTML reports, values Lambda
// restricts, a function URL body sent as text.
#include <string>
#include <string_view>

namespace lambda_emu::core {

bool is_utf8(std::string_view bytes);
// Every invalid or incomplete sequence becomes U+FFFD, as JSON documents get it (json_text.hpp).
std::string valid_utf8(std::string_view bytes);

} // namespace lambda_emu::core
