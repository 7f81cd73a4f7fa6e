// The last lines of each process's output that the reports keep.
#include "report/process_lines.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace lambda_emu;

TEST_CASE("a process's last lines: the last ten, oldest first, each at most 200 bytes and never cut in a character")
{
    report::RecentLines recent;
    for (int i = 1; i <= 13; ++i) recent.add("runtime", "line " + std::to_string(i));
    recent.add("ext:logger", "registered");
    const auto lines = recent.of("runtime");
    REQUIRE(lines.size() == core::kLastLines);
    CHECK(lines.front() == "line 4");
    CHECK(lines.back() == "line 13");
    CHECK(recent.of("ext:logger") == std::vector<std::string>{"registered"});
    CHECK(recent.of("ext:other").empty());

    const std::string long_line = std::string(199, 'x') + "é and more"; // é's two bytes straddle byte 200
    recent.add("runtime", long_line);
    CHECK(recent.of("runtime").back() == std::string(199, 'x'));
    recent.clear();
    CHECK(recent.of("runtime").empty());

    std::vector<std::string> kept(core::kLastLines, "old");
    report::append_last_line(kept, "read after the phase");
    CHECK(kept.size() == core::kLastLines);
    CHECK(kept.back() == "read after the phase");
    CHECK(report::output_label(core::ProcessKind::ExternalExtension, "logger") == "ext:logger");
}
