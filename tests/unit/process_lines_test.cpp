// The last lines of each process's output that the reports keep.
#include "report/process_lines.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace lambda_emu;

TEST_CASE("a process's last lines: the last ten, oldest first, each at most 200 bytes and never cut in a character")
{
    report::RecentLines recent;
    const auto runtime = core::ProcessIdentity::runtime();
    for (int i = 1; i <= 13; ++i) recent.add(runtime, "line " + std::to_string(i));
    recent.add(core::ProcessIdentity::extension("logger"), "registered");
    const auto lines = recent.of(runtime);
    REQUIRE(lines.size() == core::kLastLines);
    CHECK(lines.front() == "line 4");
    CHECK(lines.back() == "line 13");
    CHECK(recent.of(core::ProcessIdentity::extension("logger")) == std::vector<std::string>{"registered"});
    CHECK(recent.of(core::ProcessIdentity::extension("other")).empty());

    const std::string long_line = std::string(199, 'x') + "é and more"; // é's two bytes straddle byte 200
    recent.add(runtime, long_line);
    CHECK(recent.of(runtime).back() == std::string(199, 'x'));
    recent.clear();
    CHECK(recent.of(runtime).empty());

    std::vector<std::string> kept(core::kLastLines, "old");
    report::append_last_line(kept, "read after the phase");
    CHECK(kept.size() == core::kLastLines);
    CHECK(kept.back() == "read after the phase");
    CHECK(report::output_label(core::ProcessIdentity::extension("logger")) == "ext:logger");
    CHECK(report::output_label(core::ProcessIdentity::runtime()) == "runtime");
}

TEST_CASE("a process is its identity: kind and name, compared as such, labelled in one place")
{
    const auto runtime = core::ProcessIdentity::runtime();
    const auto logger = core::ProcessIdentity::extension("logger");
    CHECK(runtime.is_runtime());
    CHECK_FALSE(logger.is_runtime());
    CHECK(runtime == core::ProcessIdentity{});
    CHECK(logger == core::ProcessIdentity::extension("logger"));
    CHECK(logger != core::ProcessIdentity::extension("other"));
    // An extension that calls itself "runtime" is still not the runtime.
    CHECK(core::ProcessIdentity::extension("runtime") != runtime);
    CHECK(report::output_label(core::ProcessIdentity::extension("runtime")) == "ext:runtime");
    // A Shutdown phase's record of a process is that process.
    core::ProcessCleanup cleanup;
    cleanup.kind = core::ProcessKind::ExternalExtension;
    cleanup.name = "logger";
    CHECK(cleanup.identity() == logger);
    report::RecentLines recent;
    recent.add(logger, "from the logger");
    CHECK(recent.of(cleanup) == std::vector<std::string>{"from the logger"});
    CHECK(recent.of(runtime).empty());
}
