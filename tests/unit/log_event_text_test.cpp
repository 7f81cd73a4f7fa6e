// A log line's Telemetry event written straight to text must be, byte for byte, the event
// nlohmann's writer gives for the same record (what subscribers got before, and still get for
// every other event), whatever bytes the line holds and whenever it was printed.
#include "core/json_text.hpp"
#include "extensions-api/log_event_text.hpp"
#include "extensions-api/telemetry_records.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace {

using namespace lambda_emu;
namespace records = extensions_api::records;

std::string through_nlohmann(core::WallTime time, const std::string& type, const std::string& line)
{
    return core::json_text(records::event(time, type, records::Json(line)));
}

core::WallTime at_ms(long long ms)
{
    return core::WallTime{std::chrono::milliseconds{ms}};
}

} // namespace

TEST_CASE("a log event's text is nlohmann's, for every kind of byte a line may hold")
{
    std::vector<std::string> lines{"",
                                   "plain text of a function",
                                   R"(quotes " and \ backslashes \\ and a JSON line {"a":"b"})",
                                   "tab\tcarriage\rfeed\fbell\abackspace\bescape\x1b nul",
                                   std::string{"a nul \0 inside", 15},
                                   "delete \x7f is not escaped",
                                   "caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x98\x80",
                                   "invalid \xff byte",
                                   "cut short \xe2\x82",
                                   "a surrogate \xed\xa0\x80 half",
                                   "overlong \xc0\xaf slash",
                                   "beyond U+10FFFF \xf4\x90\x80\x80"};
    for (int control = 0; control < 0x20; ++control) lines.push_back(std::string(1, static_cast<char>(control)));
    extensions_api::LogEventText text;
    const auto time = at_ms(1'795'698'243'969);
    for (const auto& line : lines) {
        CAPTURE(line);
        CHECK(text.write(time, "function", line) == through_nlohmann(time, "function", line));
        CHECK(text.write(time, "extension", line) == through_nlohmann(time, "extension", line));
    }
}

TEST_CASE("a log event's time is right across seconds, forwards and back, though formatted once a second")
{
    extensions_api::LogEventText text;
    for (const long long ms : {1'795'698'243'000LL, 1'795'698'243'999LL, 1'795'698'244'000LL, 1'795'698'244'007LL,
                               1'795'698'243'500LL, 1'795'784'643'050LL, 0LL, 999LL}) {
        CAPTURE(ms);
        CHECK(text.write(at_ms(ms), "function", "line") == through_nlohmann(at_ms(ms), "function", "line"));
    }
}

TEST_CASE("a log event's text is nlohmann's for random bytes")
{
    std::mt19937 random{20261126};
    // Mostly the bytes where the two writers could differ: controls, quotes, UTF-8 lead and
    // continuation bytes, bytes that never appear in UTF-8.
    const std::string interesting{"\x00\x01\x1f\"\\/ a\x7f\x80\xbf\xc2\xc3\xdf\xe0\xe2\xed\xef\xf0\xf4\xf5\xfe\xff",
                                  24};
    extensions_api::LogEventText text;
    const auto time = at_ms(1'795'698'243'969);
    for (int round = 0; round < 5000; ++round) {
        std::string line(random() % 24, ' ');
        for (auto& byte : line)
            byte = random() % 4 == 0 ? static_cast<char>(random() % 256) : interesting[random() % interesting.size()];
        CAPTURE(line);
        REQUIRE(text.write(time, "function", line) == through_nlohmann(time, "function", line));
    }
}

TEST_CASE("platform.start names a tenant-isolated invocation's tenant, and only such an invocation's")
{
    using namespace lambda_emu;
    core::Invocation invocation;
    invocation.request_id = "req-1";
    CHECK_FALSE(extensions_api::records::start(invocation, "$LATEST").contains("tenantId"));
    invocation.request.tenant_id = "blue";
    CHECK(extensions_api::records::start(invocation, "$LATEST").at("tenantId") == "blue");
}
