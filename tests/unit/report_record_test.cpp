// One typed report record: a rich run's JSON report read back into its RunRecord writes the same
// JSON again; the HTML page is rendered from that record, so the run's page and the one
// `lambda-emu report saved.json --html` renders are the same; and each rule the renderers share
// (headroom, verdict words, unclean shutdown) has one implementation that every rendering shows.
#include "fake_ports.hpp"
#include "report/cleanup_table.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/report_reader.hpp"
#include "report/shutdown_summary.hpp"
#include "report/test_cases.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace lambda_emu;
using std::chrono::milliseconds;

namespace {

core::OpenSocket socket_to(std::uint64_t inode, const char* remote, core::SocketPeer peer)
{
    return {inode, core::SocketKind::Tcp, "127.0.0.1:40000", remote, "ESTABLISHED", peer};
}

// A run with every part the report has: a managed runtime, the sandbox and Lambda's numbers, a
// failed Init then a good one, invocations (a retry, late output, one never answered), a reset
// and a final Shutdown phase with evidence, an escaped process and diagnostics.
report::RunRecord rich_record(const core::Clock& clock)
{
    report::RunRecord record;
    record.function.name = "rich";
    record.function.account_id = "210987654321";
    record.function.memory_mb = 512;
    record.runtime = {"nodejs20.x", "nodejs:20", "/var/lang/bin/node", "v20.20.2", "aws-lambda-ric 3.3.0"};
    record.bootstrap = "/var/runtime/bootstrap";
    record.runtime_api = "127.0.0.1:9001";
    record.extension_paths = {"/opt/extensions/logger"};
    record.extensions = {{"logger", core::ExtensionKind::External, true, true},
                         {"inside", core::ExtensionKind::Internal, true, false}};
    record.freeze_method = "cgroup-freezer";
    record.sandbox = {true,   "",   {"layer-a"}, 512,  "kernel", "sbx_user1051 (uid 993, gid 990)",
                      100999, true, true,        1024, 1024};
    record.resources = {"cgroup-v2", "", "lambda", 0.289, 28900, 100000, "kernel", 1024};
    const auto t0 = clock.now();
    record.inits.push_back({core::InitPhase::Init, core::InitStatus::Error, "Runtime.ConfigError", 12.5, t0,
                            "DATABASE_URL <unset> & \"required\""});
    record.inits.push_back({core::InitPhase::Invoke, core::InitStatus::Success, "", 8.25, t0 + milliseconds{20}, ""});

    report::InvocationBudget budget{2};
    for (int i = 0; i < 3; ++i) {
        report::InvocationRecord invocation;
        invocation.source = i == 0 ? "events/first.json" : "stdin";
        invocation.attempt = i + 1;
        auto& r = invocation.report;
        r.request_id = "request-" + std::to_string(i);
        r.status = i == 1 ? core::InvokeStatus::Error : core::InvokeStatus::Success;
        r.error_type = i == 1 ? "Function.Unhandled" : "";
        r.started_at = t0 + milliseconds{40 + 10 * i};
        r.duration_ms = 3.14159 + i;
        r.ended_at = r.started_at + report::from_report_ms(r.duration_ms);
        r.billed_duration_ms = 4 + i;
        r.memory_size_mb = 512;
        r.max_memory_used_mb = 60 + i;
        if (i == 0) r.init_duration_ms = 8.25;
        if (i == 1) {
            invocation.outcome = core::InvokeOutcome::FunctionError;
            invocation.error_type = "TypeError";
            invocation.error_message = "x is <undefined>";
        } else if (i == 0) {
            invocation.outcome = core::InvokeOutcome::Success;
        }
        if (i == 1) invocation.late_output = report::LateOutput{2, 1, "[runtime] still flushing"};
        budget.add(record, std::move(invocation));
    }

    core::ShutdownReport reset;
    reset.reason = core::ShutdownReason::Failure;
    reset.started_at = t0 + milliseconds{15};
    reset.ended_at = reset.started_at;
    reset.budget = core::shutdown_budget(0, 0, {});
    core::ProcessCleanup crashed;
    crashed.name = "runtime";
    crashed.pid = 40;
    crashed.exited_before_shutdown = true;
    crashed.exit_status = core::ExitStatus::exited(1);
    crashed.verdict = core::Verdict::Crashed;
    crashed.evidence.last_lines = {"loading <config>"};
    reset.processes = {crashed};
    record.shutdowns.push_back(reset);

    core::ShutdownReport spindown;
    spindown.reason = core::ShutdownReason::Spindown;
    spindown.final = true;
    spindown.started_at = t0 + milliseconds{100};
    spindown.ended_at = spindown.started_at + std::chrono::microseconds{350'030};
    spindown.budget = core::shutdown_budget(1, 1, {});
    spindown.internal_extensions = 1;
    spindown.external_extensions = 1;
    const auto at = [&spindown](int us) { return spindown.started_at + std::chrono::microseconds{us}; };
    core::ProcessCleanup runtime;
    runtime.name = "runtime";
    runtime.pid = 41;
    runtime.sigterm_at = at(40);
    runtime.sigkill_at = at(500'000);
    runtime.exit_observed_at = at(500'260);
    runtime.deadline = at(500'000);
    runtime.exit_status = core::ExitStatus::killed_by(9);
    runtime.verdict = core::Verdict::Killed;
    runtime.evidence.at_start =
        core::ProcessSample{at(60), 10, {socket_to(7, "127.0.0.1:9001", core::SocketPeer::RuntimeApi)}, {}};
    runtime.evidence.at_end = core::ProcessSample{at(499'900),
                                                  150.5,
                                                  {socket_to(8, "127.0.0.1:5432", core::SocketPeer::Function),
                                                   socket_to(9, "127.0.0.1:9001", core::SocketPeer::RuntimeApi)},
                                                  "ep_poll"};
    runtime.evidence.last_output = core::OutputLine{at(1'200), "flushing <3 records>", 12.5};
    runtime.evidence.parked_at_kill = core::ParkedCall::RuntimeNext;
    runtime.evidence.last_lines = {"flushing <3 records>"};
    core::ProcessCleanup logger;
    logger.name = "logger";
    logger.kind = core::ProcessKind::ExternalExtension;
    logger.pid = 42;
    logger.shutdown_event_at = at(500'300);
    logger.exit_observed_at = at(512'460);
    logger.deadline = at(2'000'000);
    logger.exit_status = core::ExitStatus::exited(0);
    logger.subscribed_to_shutdown = true;
    logger.verdict = core::Verdict::Graceful;
    logger.evidence.last_lines = {"bye & thanks"};
    spindown.processes = {runtime, logger};
    spindown.escaped_processes = {{77, "sleep"}};
    spindown.diagnostics = {"The runtime did not exit within its 500 ms share after SIGTERM and was killed."};
    record.shutdowns.push_back(spindown);
    record.exit_code = 5;
    record.exit_reason = "runtime killed at its 500 ms deadline while still working";
    return record;
}

} // namespace

TEST_CASE("a rich report read back into its record writes the same JSON again")
{
    testing::FakeClock clock;
    const auto written = report::json_report(rich_record(clock), clock).dump(2);
    const auto read = report::read_report(nlohmann::ordered_json::parse(written));
    REQUIRE(read.error.empty());
    REQUIRE(read.environments.size() == 1);
    // The record read back carries every field: its JSON, written on the report's own clock, is
    // the saved one character for character.
    const auto again = report::json_report(read.environments.front(), report::ReportClock{}).dump(2);
    CHECK(again == written);
    CHECK(written.find("\"client\": \"aws-lambda-ric 3.3.0\"") != std::string::npos);
    CHECK(written.find("\"afterThaw\": 1") != std::string::npos);
    CHECK(written.find("arn:aws:lambda:us-east-1:210987654321:function:rich") != std::string::npos);
}

TEST_CASE("the HTML page the run writes is the one a saved report renders")
{
    testing::FakeClock clock;
    const auto written = report::json_report(rich_record(clock), clock).dump(2) + "\n";
    // Live: from the text the run has just written. Saved: a file's text, read, then rendered.
    const std::string live = report::html_report(written);
    const auto saved = report::read_report(nlohmann::ordered_json::parse(written));
    REQUIRE(saved.error.empty());
    CHECK(report::html_report(saved) == live);
    // Rendered from the record, not the document's keys: what the record says, the page shows.
    auto changed = saved;
    changed.environments.front().function.name = "renamed <fn>";
    const auto page = report::html_report(changed);
    CHECK(page.find("function <b>renamed &lt;fn&gt;</b>") != std::string::npos);
    CHECK(live.find("function <b>rich</b>") != std::string::npos);
    CHECK(live.find("escaped process sleep (pid 77) was killed") != std::string::npos);
    CHECK(live.find("<td>Function.Unhandled</td>") != std::string::npos);
    CHECK(live.find("(attempt 3)") != std::string::npos);
}

TEST_CASE("headroom: from the observed exit to the deadline, only without a SIGKILL")
{
    const core::SteadyTime start{std::chrono::seconds{5}};
    core::ProcessCleanup process;
    CHECK_FALSE(core::headroom_ms(process)); // no deadline, no exit
    process.deadline = start + milliseconds{300};
    CHECK_FALSE(core::headroom_ms(process)); // not exited
    process.exit_observed_at = start + milliseconds{120};
    REQUIRE(core::headroom_ms(process));
    CHECK(*core::headroom_ms(process) == doctest::Approx(180.0));
    process.exit_observed_at = start + milliseconds{320}; // exited late, by itself: negative
    CHECK(*core::headroom_ms(process) == doctest::Approx(-20.0));
    process.sigkill_at = start + milliseconds{300};
    CHECK_FALSE(core::headroom_ms(process)); // killed: no headroom
}

TEST_CASE("every rendering shows the one headroom")
{
    testing::FakeClock clock;
    const auto record = rich_record(clock);
    const auto& spindown = record.shutdowns.back();
    const auto& logger = spindown.processes.at(1);
    const auto headroom = core::headroom_ms(logger);
    REQUIRE(headroom);
    CHECK(*headroom == doctest::Approx(1487.54));
    const auto json = report::json_report(record, clock);
    CHECK(json["shutdowns"][1]["processes"][1]["headroomMs"].get<double>() == doctest::Approx(1487.5));
    CHECK(json["shutdowns"][1]["processes"][0]["headroomMs"].is_null()); // the killed runtime
    const auto summary = report::shutdown_summary(spindown);
    CHECK(summary.find("headroom 1487.5 ms") != std::string::npos); // the timeline's note
    CHECK(summary.find("1487.5") != std::string::npos);
    const auto page = report::html_report(json.dump());
    CHECK(page.find("headroom 1487.5 ms") != std::string::npos);
    CHECK(page.find("<td class=\"num\">1487.5</td>") != std::string::npos);
}

TEST_CASE("verdict words: one to_string, one parse, for every verdict")
{
    for (const auto verdict :
         {core::Verdict::Graceful, core::Verdict::Killed, core::Verdict::Crashed, core::Verdict::NotSignalled}) {
        REQUIRE(core::parse_verdict(core::to_string(verdict)));
        CHECK(*core::parse_verdict(core::to_string(verdict)) == verdict);
    }
    CHECK(std::string{core::to_string(core::Verdict::NotSignalled)} == "not-signalled");
    CHECK_FALSE(core::parse_verdict("slain"));
    CHECK_FALSE(core::parse_verdict("Killed"));
}

TEST_CASE("an unclean shutdown: killed or crashed in the phase, not gone before it")
{
    core::ProcessCleanup process;
    for (const auto verdict : {core::Verdict::Graceful, core::Verdict::NotSignalled}) {
        process.verdict = verdict;
        CHECK_FALSE(core::unclean_shutdown(process));
    }
    for (const auto verdict : {core::Verdict::Killed, core::Verdict::Crashed}) {
        process.verdict = verdict;
        CHECK(core::unclean_shutdown(process));
    }
    process.exited_before_shutdown = true; // its failure is the Init's or the invocation's
    CHECK_FALSE(core::unclean_shutdown(process));

    // JUnit fails exactly the unclean ones among the processes that took part.
    testing::FakeClock clock;
    const auto record = rich_record(clock);
    const auto suite = report::test_suite({1, &record});
    std::size_t shutdown_failures = 0;
    for (const auto& test : suite.cases)
        if (test.name.starts_with("shutdown ") && test.failure) ++shutdown_failures;
    std::size_t unclean = 0;
    for (const auto& shutdown : record.shutdowns)
        for (const auto& cleanup : shutdown.processes) unclean += core::unclean_shutdown(cleanup) ? 1 : 0;
    CHECK(unclean == 1);
    CHECK(shutdown_failures == unclean);
}
