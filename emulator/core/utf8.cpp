#include "utf8.hpp"

#include <boost/locale/utf.hpp>
#include <simdjson.h>

namespace lambda_emu::core {

namespace {

namespace utf = boost::locale::utf;
using Utf8 = utf::utf_traits<char>;

bool is_bad(utf::code_point point)
{
    return point == utf::illegal || point == utf::incomplete;
}

} // namespace

// Every line a process prints is checked (log_event_text.hpp): simdjson's validator reads
// several bytes per cycle where decoding code point by code point reads one.
bool is_utf8(std::string_view bytes)
{
    return simdjson::validate_utf8(bytes.data(), bytes.size());
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

std::string_view utf8_prefix(std::string_view text, std::size_t limit)
{
    if (text.size() <= limit) return text;
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end; // a continuation byte
    return text.substr(0, end);
}

} // namespace lambda_emu::core
