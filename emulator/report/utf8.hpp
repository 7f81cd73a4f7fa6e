#pragma once
// Text from outside (process output, names, command-line values) checked or repaired as UTF-8,
// for the places that need valid text: XML reports and values Lambda restricts.
#include <string>
#include <string_view>

namespace lambda_emu::report {

bool is_utf8(std::string_view bytes);
// Every invalid or incomplete sequence becomes U+FFFD, as JSON documents get it (core/json_text.hpp).
std::string valid_utf8(std::string_view bytes);
// Text for XML 1.0 and HTML, in content or a quoted attribute: valid UTF-8, `&<>"` escaped, and
// control characters but tab, line feed and carriage return (which XML 1.0 forbids) as U+FFFD.
std::string markup_text(std::string_view raw);

} // namespace lambda_emu::report
