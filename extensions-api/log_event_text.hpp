#pragma once
// A log line's Telemetry/Logs API event, {"time":...,"type":"function","record":"<the line>"},
// written straight to text. Every line a function prints becomes one of these while anyone is
// subscribed, so building and serialising a JSON document per line (records::event + json_text)
// cost most of the log path's time; this writes the same bytes with one pass over the line.
#include "core/clock.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace lambda_emu::extensions_api {

class LogEventText {
public:
    // The event's text, byte for byte what core::json_text(records::event(time, type, line))
    // gives; valid until the next call.
    std::string_view write(core::WallTime time, std::string_view type, std::string_view line);

private:
    void append_time(core::WallTime time);
    void append_escaped(std::string_view line);

    std::string text_; // reused: no allocation per line once it has grown
    // Lines come thousands a second: the date and time to the second are formatted once per second.
    std::int64_t formatted_second_ = -1;
    std::string second_text_;
};

} // namespace lambda_emu::extensions_api
