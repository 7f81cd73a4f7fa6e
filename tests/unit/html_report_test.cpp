// The HTML report without a process: the time axis's ticks, and the page rendered from a JSON
// report (a failed Init's message, each process's evidence and last lines), its text escaped.
#include "fake_ports.hpp"
#include "report/cleanup_table.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/markup.hpp"
#include "report/report_reader.hpp"
#include "report/time_axis.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace lambda_emu;
using std::chrono::milliseconds;

namespace {

std::vector<std::string> labels(const report::TimeTicks& axis)
{
    std::vector<std::string> found;
    for (const auto& tick : axis.ticks) found.push_back(tick.label);
    return found;
}

bool page_shows(const std::string& page, const std::string& part)
{
    return page.find(part) != std::string::npos;
}

std::size_t count_of(const std::string& text, const std::string& part)
{
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

// An environment whose Init failed twice, with a message to escape, then ran and shut down with
// an extension; the runtime's and the extension's last lines hold markup.
report::RunRecord record_of_a_failed_init_then_a_shutdown(const core::Clock& clock)
{
    report::RunRecord record;
    record.function.name = "fails-then-runs";
    record.exit_code = 3;
    const std::string message = "DATABASE_URL <unset> & \"required\"\nset it with --env";
    record.inits.push_back(
        {core::InitPhase::Init, core::InitStatus::Error, "Runtime.ConfigError", 12.5, clock.now(), message});
    record.inits.push_back({core::InitPhase::Invoke, core::InitStatus::Success, "", 8.0, clock.now(), ""});

    core::ShutdownReport reset;
    reset.reason = core::ShutdownReason::Failure;
    reset.started_at = clock.now() + milliseconds{13};
    reset.ended_at = reset.started_at;
    reset.budget = {false, core::Millis{0}, core::Millis{0}, "Lambda: no extension registered"};
    core::ProcessCleanup crashed;
    crashed.name = "runtime";
    crashed.pid = 40;
    crashed.exited_before_shutdown = true;
    crashed.exit_status = core::ExitStatus::exited(1);
    crashed.verdict = core::Verdict::Crashed;
    crashed.evidence.last_lines = {"loading <config> & secrets", "giving up: \"no database\""};
    reset.processes = {crashed};
    record.shutdowns.push_back(reset);

    core::ShutdownReport spindown;
    spindown.reason = core::ShutdownReason::Spindown;
    spindown.final = true;
    spindown.started_at = clock.now() + milliseconds{100};
    spindown.ended_at = spindown.started_at + milliseconds{350};
    spindown.budget = {true, core::Millis{300}, core::Millis{2000}, "Lambda: external extensions"};
    spindown.external_extensions = 1;
    const auto at = [&spindown](int ms) { return spindown.started_at + milliseconds{ms}; };
    core::ProcessCleanup runtime;
    runtime.name = "runtime";
    runtime.pid = 41;
    runtime.sigterm_at = at(0);
    runtime.sigkill_at = at(300);
    runtime.exit_observed_at = at(301);
    runtime.deadline = at(300);
    runtime.exit_status = core::ExitStatus::killed_by(9);
    runtime.verdict = core::Verdict::Killed;
    runtime.evidence.at_start = core::ProcessSample{at(0), 10, {}, {}};
    core::OpenSocket database{
        7, core::SocketKind::Tcp, "127.0.0.1:40000", "127.0.0.1:5432", "ESTABLISHED", core::SocketPeer::Function};
    core::OpenSocket api{
        8, core::SocketKind::Tcp, "127.0.0.1:40001", "127.0.0.1:9001", "ESTABLISHED", core::SocketPeer::RuntimeApi};
    runtime.evidence.at_end = core::ProcessSample{at(299), 150, {database, api}, "ep_poll"};
    runtime.evidence.last_output = core::OutputLine{at(1), "flushing <3 records>", 10};
    runtime.evidence.parked_at_kill = core::ParkedCall::RuntimeNext;
    runtime.evidence.last_lines = {"flushing <3 records>"};
    core::ProcessCleanup extension;
    extension.name = "logger";
    extension.kind = core::ProcessKind::ExternalExtension;
    extension.pid = 42;
    extension.shutdown_event_at = at(301);
    extension.exit_observed_at = at(320);
    extension.deadline = at(2000);
    extension.exit_status = core::ExitStatus::exited(0);
    extension.verdict = core::Verdict::Graceful;
    extension.evidence.at_start = core::ProcessSample{at(0), 0, {}, {}};
    extension.evidence.at_end = core::ProcessSample{at(319), 0, {}, {}};
    for (int i = 1; i <= 12; ++i) extension.evidence.last_lines.push_back("line " + std::to_string(i));
    extension.evidence.last_lines.erase(extension.evidence.last_lines.begin(),
                                        extension.evidence.last_lines.begin() + 2); // as the reporter keeps 10
    extension.evidence.last_lines.back() = "<script>alert('done')</script>";
    spindown.processes = {runtime, extension};
    record.shutdowns.push_back(spindown);

    core::ShutdownReport nobody;
    nobody.final = true;
    nobody.started_at = clock.now() + milliseconds{500};
    nobody.ended_at = nobody.started_at;
    record.shutdowns.push_back(nobody);
    return record;
}

} // namespace

TEST_CASE("time axis ticks are round steps with the decimals they need, in a unit that keeps them short")
{
    const auto tiny = report::time_ticks(1.0);
    CHECK(tiny.unit == "ms");
    CHECK(labels(tiny) == std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}); // the last one too
    CHECK(labels(report::time_ticks(4.0)) ==
          std::vector<std::string>{"0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0"});
    CHECK(labels(report::time_ticks(0.2)) == labels(tiny)); // never a span of nothing
    const auto phase = report::time_ticks(2080);
    CHECK(phase.unit == "ms");
    CHECK(labels(phase) == std::vector<std::string>{"0", "500", "1000", "1500", "2000"});
    const auto minute = report::time_ticks(65'000);
    CHECK(minute.unit == "s");
    CHECK(labels(minute) == std::vector<std::string>{"0", "10", "20", "30", "40", "50", "60"});
    CHECK(minute.ticks.back().at_ms == doctest::Approx(60'000));
    const auto seconds = report::time_ticks(13'500);
    CHECK(seconds.unit == "s");
    CHECK(labels(seconds) == std::vector<std::string>{"0", "2", "4", "6", "8", "10", "12"});
    const auto hour = report::time_ticks(3'600'000);
    CHECK(hour.unit == "min");
    CHECK(labels(hour).back() == "60");
    CHECK(report::time_ticks(36'000'000 * 3.0).unit == "h");
}

TEST_CASE("the HTML report shows a failed Init's message, each process's evidence and last lines, escaped")
{
    testing::FakeClock clock;
    const auto record = record_of_a_failed_init_then_a_shutdown(clock);
    const auto document = nlohmann::ordered_json::parse(report::json_report(record, clock).dump());
    const std::string page = report::html_report(report::read_report(document));

    // The Init's error: its type and its whole message, escaped.
    CHECK(page_shows(page, "Init 1 (init): error, Runtime.ConfigError after 12.5 ms"));
    CHECK(page_shows(page, "<pre class=\"error-message\">DATABASE_URL &lt;unset&gt; &amp; &quot;required&quot;\nset it "
                           "with --env</pre>"));
    CHECK_FALSE(page_shows(page, "<unset>"));

    // The evidence in the cleanup table's own words, then each fact.
    const auto& spindown = record.shutdowns.at(1);
    for (const auto& process : spindown.processes)
        CHECK(page_shows(page, report::markup_text(report::evidence_line(spindown, process))));
    CHECK(page_shows(page, "parked /next"));
    CHECK(page_shows(page, "first look at 0.0 ms, before any signal"));
    CHECK(page_shows(page, "last look at 299.0 ms, just before its SIGKILL"));
    CHECK(page_shows(page, "last output at 1.0 ms, after SIGTERM: <code>flushing &lt;3 records&gt;</code>"));
    CHECK(page_shows(page, "CPU 140.0 ms in the phase"));
    CHECK(page_shows(page, "its own connections still open then: 127.0.0.1:5432 (ESTABLISHED)"));
    CHECK(page_shows(page, "the Runtime API at 127.0.0.1:9001 (ESTABLISHED)"));
    CHECK(page_shows(page, "<code>ep_poll</code>"));
    CHECK(page_shows(page, "killed while still working"));

    // The last lines, escaped: the crashed Init's, and the extension's ten.
    CHECK(page_shows(page, "loading &lt;config&gt; &amp; secrets\ngiving up: &quot;no database&quot;\n</pre>"));
    CHECK(page_shows(page, "Its last 10 lines of output:"));
    CHECK(page_shows(page, "line 3\nline 4\n"));
    CHECK_FALSE(page_shows(page, "line 2\n"));
    CHECK(page_shows(page, "&lt;script&gt;alert('done')&lt;/script&gt;"));
    CHECK_FALSE(page_shows(page, "<script"));

    // A phase no process took part in: said, not drawn.
    CHECK(page_shows(page, "No process was running."));
    CHECK(count_of(page, "<svg class=\"shutdown-phase\"") == 1); // the crashed Init's reset is not drawn either
}

TEST_CASE("a report written before lastLines and errorMessage still reads and renders")
{
    testing::FakeClock clock;
    auto document = report::json_report(record_of_a_failed_init_then_a_shutdown(clock), clock);
    document["schemaVersion"] = "1.4";
    for (auto& init : document["inits"]) init.erase("errorMessage");
    for (auto& shutdown : document["shutdowns"])
        for (auto& process : shutdown["processes"]) process["evidence"].erase("lastLines");
    const auto read = report::read_report(document);
    REQUIRE(read.error.empty());
    CHECK(read.environments.at(0).inits.at(0).error_message.empty());
    const std::string page = report::html_report(report::read_report(document));
    CHECK(page_shows(page, "Init 1 (init): error, Runtime.ConfigError after 12.5 ms</li>"));
    CHECK_FALSE(page_shows(page, "class=\"last-lines")); // not said to have printed nothing
    CHECK(page_shows(page, "parked /next"));
}
