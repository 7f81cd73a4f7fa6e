// libFuzzer entry point of the line_reader target (line_reader.cpp). The lines must be exactly
// the input's (below LineReader::kMaxLine, where long lines start being cut in pieces), and each
// line's Telemetry event, written straight to text, must be the bytes nlohmann's writer gives.
#include "targets.hpp"

#include "core/json_text.hpp"
#include "extensions-api/log_event_text.hpp"
#include "extensions-api/telemetry_records.hpp"
#include "process/line_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace lambda_emu;
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    const auto lines = fuzz::line_reader(input);
    if (size < process::LineReader::kMaxLine && lines != fuzz::expected_lines(input)) {
        std::fprintf(stderr, "line_reader: the lines read differ from the lines written\n");
        std::abort();
    }
    extensions_api::LogEventText text;
    const core::WallTime time{std::chrono::milliseconds{1'795'000'000'123}};
    for (const auto& line : lines) {
        namespace records = extensions_api::records;
        if (text.write(time, "function", line) !=
            core::json_text(records::event(time, "function", records::Json(line)))) {
            std::fprintf(stderr, "line_reader: a log event's text differs from nlohmann's\n");
            std::abort();
        }
    }
    return 0;
}
