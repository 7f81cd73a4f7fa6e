#include "markup.hpp"

#include "core/utf8.hpp"

namespace lambda_emu::report {

std::string markup_text(std::string_view raw)
{
    std::string out;
    for (const char c : core::valid_utf8(raw)) {
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out += "\xEF\xBF\xBD";
            continue;
        }
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

} // namespace lambda_emu::report
