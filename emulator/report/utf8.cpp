#include "utf8.hpp"

#include <boost/locale/utf.hpp>

namespace lambda_emu::report {

namespace {

namespace utf = boost::locale::utf;
using Utf8 = utf::utf_traits<char>;

bool is_bad(utf::code_point point)
{
    return point == utf::illegal || point == utf::incomplete;
}

} // namespace

bool is_utf8(std::string_view bytes)
{
    for (auto cursor = bytes.begin(); cursor != bytes.end();) {
        if (is_bad(Utf8::decode(cursor, bytes.end()))) return false;
    }
    return true;
}

std::string valid_utf8(std::string_view bytes)
{
    if (is_utf8(bytes)) return std::string{bytes};
    std::string repaired;
    repaired.reserve(bytes.size() + 8);
    for (auto cursor = bytes.begin(); cursor != bytes.end();) {
        const auto start = cursor;
        if (is_bad(Utf8::decode(cursor, bytes.end()))) {
            repaired += "\xEF\xBF\xBD";
            if (cursor == start) ++cursor; // always move on, one byte at least
        } else {
            repaired.append(start, cursor);
        }
    }
    return repaired;
}

std::string markup_text(std::string_view raw)
{
    std::string out;
    for (const char c : valid_utf8(raw)) {
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
