#pragma once
// Text for XML 1.0 and HTML, in content or a quoted attribute: valid UTF-8, `&<>"` escaped, and
// control characters but tab, line feed and carriage return (which XML 1.0 forbids) as U+FFFD.
#include <string>
#include <string_view>

namespace lambda_emu::report {

std::string markup_text(std::string_view raw);

} // namespace lambda_emu::report
