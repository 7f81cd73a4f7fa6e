#pragma once
// Text from outside (process output, names, command-line values) checked or repaired as UTF-8,
// for the places that need valid text: XML reports and values Lambda restricts.
#include <string>
#include <string_view>

namespace lambda_emu::report {

bool is_utf8(std::string_view bytes);
// Every invalid or incomplete sequence becomes U+FFFD, as JSON documents get it (core/json_text.hpp).
std::string valid_utf8(std::string_view bytes);

} // namespace lambda_emu::report
