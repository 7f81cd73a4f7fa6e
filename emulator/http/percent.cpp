#include "percent.hpp"

#include <charconv>

namespace lambda_emu::http {

namespace {

// The byte that `%hh` at text[at] stands for, if text[at + 1..at + 2] are two hex digits.
std::optional<char> escaped_byte(std::string_view text, std::size_t at)
{
    if (at + 3 > text.size()) return std::nullopt;
    unsigned value = 0;
    const char* first = text.data() + at + 1;
    const auto [end, ec] = std::from_chars(first, first + 2, value, 16);
    // from_chars also takes a sign-less prefix ("4z"): both digits must be read.
    if (ec != std::errc{} || end != first + 2) return std::nullopt;
    return static_cast<char>(value);
}

} // namespace

std::optional<std::string> percent_decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        const auto byte = escaped_byte(text, i);
        if (!byte) return std::nullopt;
        out.push_back(*byte);
        i += 2;
    }
    return out;
}

std::string_view first_bad_escape(std::string_view text)
{
    for (std::size_t i = text.find('%'); i != std::string_view::npos; i = text.find('%', i + 1)) {
        if (!escaped_byte(text, i)) return text.substr(i, 3);
        i += 2;
    }
    return {};
}

} // namespace lambda_emu::http
