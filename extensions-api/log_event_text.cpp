#include "log_event_text.hpp"
#include "core/json_text.hpp"
#include "core/utf8.hpp"
#include "telemetry_records.hpp"

#include <array>
#include <chrono>

namespace lambda_emu::extensions_api {

namespace {

// What JSON requires escaped in a string (RFC 8259 section 7), written as nlohmann writes it:
// the two-character forms where they exist, \u00xx in lower-case hex otherwise.
constexpr std::array<const char*, 32> kControlEscapes{
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
    "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
    "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
    "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};

// One look-up per byte in the common case, where nothing is escaped.
constexpr std::array<bool, 256> kEscaped = [] {
    std::array<bool, 256> escaped{};
    for (int byte = 0; byte < 0x20; ++byte) escaped[byte] = true;
    escaped['"'] = escaped['\\'] = true;
    return escaped;
}();

const char* escape_of(unsigned char byte)
{
    if (byte < 0x20) return kControlEscapes[byte];
    return byte == '"' ? "\\\"" : "\\\\";
}

} // namespace

std::string_view LogEventText::write(core::WallTime time, std::string_view type, std::string_view line)
{
    text_.clear();
    text_ += R"({"time":")";
    append_time(time);
    text_ += R"(","type":")";
    append_escaped(type);
    text_ += R"(","record":)";
    if (core::is_utf8(line)) {
        text_ += '"';
        append_escaped(line);
        text_ += '"';
    } else {
        // Rare, and the repair must match the other events' exactly: nlohmann's own writer.
        text_ += core::json_text(records::Json(std::string{line}));
    }
    text_ += '}';
    return text_;
}

void LogEventText::append_time(core::WallTime time)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    if (ms < 0) { // never a real clock's, but written as the other events write it
        text_ += records::iso8601(time);
        return;
    }
    const std::int64_t second = ms / 1000;
    if (second != formatted_second_) {
        const std::string full = records::iso8601(time); // "YYYY-MM-DDTHH:MM:SS.mmmZ"
        second_text_.assign(full, 0, full.size() - 5);
        formatted_second_ = second;
    }
    const auto millis = static_cast<unsigned>(ms - second * 1000);
    const char fraction[] = {'.', static_cast<char>('0' + millis / 100), static_cast<char>('0' + millis / 10 % 10),
                             static_cast<char>('0' + millis % 10), 'Z'};
    text_ += second_text_;
    text_.append(fraction, sizeof fraction);
}

void LogEventText::append_escaped(std::string_view line)
{
    std::size_t run_start = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto byte = static_cast<unsigned char>(line[i]);
        if (!kEscaped[byte]) continue;
        text_.append(line.data() + run_start, i - run_start);
        text_ += escape_of(byte);
        run_start = i + 1;
    }
    text_.append(line.data() + run_start, line.size() - run_start);
}

} // namespace lambda_emu::extensions_api
