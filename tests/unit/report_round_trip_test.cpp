// `lambda-emu report --table` prints the table the run printed: a Shutdown phase rendered from
// memory and rendered again from its JSON report are the same characters, also for instants that
// fall exactly between two tenths of a millisecond (where rounding twice could differ).
#include "fake_ports.hpp"
#include "report/json_report.hpp"
#include "report/report_reader.hpp"
#include "report/shutdown_summary.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;
using std::chrono::nanoseconds;

namespace {

report::RunRecord record_with_a_shutdown(const core::Clock& clock)
{
    report::RunRecord record;
    record.function.name = "round-trip";
    core::ShutdownReport shutdown;
    shutdown.reason = core::ShutdownReason::Spindown;
    shutdown.final = true;
    shutdown.started_at = clock.now();
    shutdown.ended_at = shutdown.started_at + nanoseconds{2'000'050'000};
    shutdown.budget = {true, core::Millis{300}, core::Millis{2000}, "Lambda: external extensions"};
    shutdown.external_extensions = 1;
    const auto at = [&shutdown](long long ns) { return shutdown.started_at + nanoseconds{ns}; };

    core::ProcessCleanup runtime;
    runtime.name = "runtime";
    runtime.pid = 41;
    runtime.sigterm_at = at(25'000);            // 0.025 ms: a tie at 0.01 resolution, below 0.05
    runtime.sigkill_at = at(300'050'000);       // 300.05 ms: exactly between 300.0 and 300.1
    runtime.exit_observed_at = at(300'149'999); // 300.149999 ms
    runtime.deadline = at(300'000'000);
    runtime.exit_status = core::ExitStatus::killed_by(9);
    runtime.verdict = core::Verdict::Killed;

    core::ProcessCleanup extension;
    extension.name = "logger";
    extension.kind = core::ProcessKind::ExternalExtension;
    extension.pid = 42;
    extension.shutdown_event_at = at(300'150'000); // 300.15 ms
    extension.exit_observed_at = at(312'249'999);
    extension.deadline = at(2'000'000'000);
    extension.exit_status = core::ExitStatus::exited(0);
    extension.subscribed_to_shutdown = true;
    extension.verdict = core::Verdict::Graceful;

    shutdown.processes = {runtime, extension};
    shutdown.diagnostics = {"The runtime did not exit within its 300 ms share after SIGTERM and was killed."};
    record.shutdowns.push_back(shutdown);
    return record;
}

} // namespace

TEST_CASE("the cleanup table and timeline from a saved report are the run's, character for character")
{
    testing::FakeClock clock;
    const auto record = record_with_a_shutdown(clock);
    const auto printed = report::shutdown_summary(record.shutdowns.front());

    // Through the JSON text, as a file would carry it.
    const auto saved = nlohmann::ordered_json::parse(report::json_report(record, clock).dump(2));
    const auto read = report::read_report(saved);
    REQUIRE(read.error.empty());
    REQUIRE(read.environments.size() == 1);
    REQUIRE(read.environments.front().shutdowns.size() == 1);
    CHECK(report::shutdown_summary(read.environments.front().shutdowns.front()) == printed);
    CHECK(printed.find("killed") != std::string::npos);
    CHECK(printed.find("timeline, 0 to 2000 ms") != std::string::npos);
}

TEST_CASE("a document that is not a report is refused with what is missing")
{
    auto read = report::read_report(nlohmann::ordered_json::parse(R"({"schemaVersion": "1.2", "exitCode": 0})"));
    CHECK(read.environments.empty());
    CHECK(read.error.starts_with("not a lambda-emu report: "));
    read = report::read_report(nlohmann::ordered_json::parse(R"({"schemaVersion": "2.0"})"));
    CHECK(read.error == "not a lambda-emu report: schemaVersion 2.0 is not 1.x");
    read = report::read_report(nlohmann::ordered_json::parse("[1, 2]"));
    CHECK(read.error == "not a lambda-emu report: the document is not a JSON object");
}

TEST_CASE("colour wraps the cells without moving the columns")
{
    testing::FakeClock clock;
    const auto record = record_with_a_shutdown(clock);
    const auto plain = report::shutdown_summary(record.shutdowns.front());
    const auto coloured = report::shutdown_summary(record.shutdowns.front(), report::Palette{true});
    CHECK(coloured.find("\x1b[1;31mkilled\x1b[0m") != std::string::npos);
    CHECK(coloured.find("\x1b[32mgraceful\x1b[0m") != std::string::npos);
    // Without its escape sequences, the coloured text is the plain one.
    std::string stripped;
    for (std::size_t i = 0; i < coloured.size(); ++i) {
        if (coloured[i] == '\x1b') {
            i = coloured.find('m', i);
            continue;
        }
        stripped += coloured[i];
    }
    CHECK(stripped == plain);
}
