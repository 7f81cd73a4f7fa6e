// What CI reads of a run: JUnit's names stay the same from one run to the next and its failures
// say why with the process's last lines; the Markdown summary is short, says the verdict, and
// escapes what the function printed; both read the same from a saved report as from memory.
#include "fake_ports.hpp"
#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "report/markdown_summary.hpp"
#include "report/report_reader.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace lambda_emu;
using std::chrono::milliseconds;

namespace {

std::size_t lines_in(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

core::ProcessCleanup process(const std::string& name, core::ProcessKind kind, core::Verdict verdict,
                             core::SteadyTime started)
{
    core::ProcessCleanup cleanup;
    cleanup.name = name;
    cleanup.kind = kind;
    cleanup.pid = 4000 + static_cast<int>(name.size());
    cleanup.sigterm_at = started + milliseconds{1};
    cleanup.deadline = started + milliseconds{kind == core::ProcessKind::Runtime ? 300 : 2000};
    cleanup.verdict = verdict;
    if (verdict == core::Verdict::Killed) {
        cleanup.sigkill_at = *cleanup.deadline;
        cleanup.exit_observed_at = *cleanup.deadline + milliseconds{1};
        cleanup.exit_status = core::ExitStatus::killed_by(9);
    } else {
        cleanup.exit_observed_at = started + milliseconds{12};
        cleanup.exit_status = core::ExitStatus::exited(0);
    }
    return cleanup;
}

// Init, a success from event.json, a function error from a file elsewhere, then a Shutdown phase
// with a killed runtime (its last lines kept) and a graceful extension.
report::RunRecord a_run(core::SteadyTime start, const std::string& request_prefix)
{
    report::RunRecord record;
    record.function.name = "orders";
    core::InitReport init;
    init.started_at = start;
    init.duration_ms = 40;
    record.inits.push_back(init);
    report::InvocationBudget budget;
    for (int i = 0; i < 2; ++i) {
        report::InvocationRecord invocation;
        invocation.source = i == 0 ? "/tmp/" + request_prefix + "/event.json" : "/tmp/" + request_prefix + "/bad.json";
        invocation.report.request_id = request_prefix + "-request-" + std::to_string(i);
        invocation.report.started_at = start + milliseconds{100 + 100 * i};
        invocation.report.duration_ms = 20;
        invocation.outcome = i == 0 ? core::InvokeOutcome::Success : core::InvokeOutcome::FunctionError;
        if (i == 1) {
            invocation.error_type = "OrderRejected";
            invocation.error_message = "order 7 was rejected <because>";
        }
        budget.add(record, invocation);
    }
    core::ShutdownReport shutdown;
    shutdown.final = true;
    shutdown.started_at = start + milliseconds{400};
    shutdown.ended_at = shutdown.started_at + milliseconds{310};
    shutdown.budget = {true, core::Millis{300}, core::Millis{2000}, "Lambda: external extensions"};
    auto runtime = process("runtime", core::ProcessKind::Runtime, core::Verdict::Killed, shutdown.started_at);
    runtime.evidence.last_lines = {"handling order 7", "SIGTERM: flushing | 3 records"};
    auto logger =
        process("shutdown-logger", core::ProcessKind::ExternalExtension, core::Verdict::Graceful, shutdown.started_at);
    logger.evidence.last_lines = {"flushed"};
    shutdown.processes = {runtime, logger};
    record.shutdowns.push_back(shutdown);
    return record;
}

} // namespace

TEST_CASE("JUnit names hold no request id, pid or time: two runs of the same events name the same tests")
{
    testing::FakeClock clock;
    const auto first = report::junit_report(a_run(clock.now(), "aaaa"));
    clock.advance(milliseconds{5000});
    const auto second = report::junit_report(a_run(clock.now(), "bbbb"));
    const auto names = [](const std::string& xml) {
        std::vector<std::string> found;
        for (auto at = xml.find("<testcase "); at != std::string::npos; at = xml.find("<testcase ", at + 1))
            found.push_back(xml.substr(at, xml.find(" time=", at) - at));
        return found;
    };
    CHECK(names(first) == names(second));
    CHECK(names(first) ==
          std::vector<std::string>{
              R"x(<testcase classname="lambda-emu.orders.environment-1" name="init")x",
              R"x(<testcase classname="lambda-emu.orders.environment-1" name="invoke 1 (event.json)")x",
              R"x(<testcase classname="lambda-emu.orders.environment-1" name="invoke 2 (bad.json)")x",
              R"x(<testcase classname="lambda-emu.orders.environment-1" name="shutdown runtime")x",
              R"x(<testcase classname="lambda-emu.orders.environment-1" name="shutdown extension shutdown-logger")x"});
    CHECK(first.find("aaaa-request") != std::string::npos); // the request id is in the failure's body only
    CHECK(first.find("name=\"invoke 2 (bad.json)\"") < first.find("aaaa-request-1"));
}

TEST_CASE("a JUnit failure has a type, a message and a body with the diagnostic and the last lines")
{
    testing::FakeClock clock;
    const auto xml = report::junit_report(a_run(clock.now(), "r"));
    CHECK(xml.find(R"x(<testsuites name="lambda-emu" tests="5" failures="2" errors="0")x") != std::string::npos);
    CHECK(xml.find(R"x(<testsuite name="lambda-emu.orders.environment-1" tests="5" failures="2" errors="0")x") !=
          std::string::npos);
    // The function error: its type and message, escaped.
    CHECK(xml.find(R"x(<failure message="function-error: OrderRejected: order 7 was rejected &lt;because&gt;" )x"
                   R"x(type="function-error">The function returned an error.)x") != std::string::npos);
    // The killed runtime: why, the deadline, and what it printed last.
    const auto killed = xml.find(R"x(type="killed">)x");
    REQUIRE(killed != std::string::npos);
    const auto body = xml.substr(killed, xml.find("</failure>", killed) - killed);
    CHECK(body.find("deadline 300.0 ms, SIGKILL at 300.0 ms") != std::string::npos);
    CHECK(body.find("Last lines of runtime:\n  handling order 7\n  SIGTERM: flushing | 3 records\n") !=
          std::string::npos);
    // A graceful process keeps its last lines as output, not as a failure.
    CHECK(xml.find("<system-out>Last lines of extension shutdown-logger:\n  flushed\n</system-out>") !=
          std::string::npos);
}

TEST_CASE("serve's environments are numbered by their id, and a saved report gives the same JUnit")
{
    testing::FakeClock clock;
    const auto one = a_run(clock.now(), "x");
    const auto three = a_run(clock.now() + milliseconds{50}, "y");
    const auto xml = report::junit_report(std::vector<report::NumberedRecord>{{1, &one}, {3, &three}});
    CHECK(xml.find(R"x(classname="lambda-emu.orders.environment-3" name="invoke 2 (bad.json)")x") != std::string::npos);

    nlohmann::ordered_json serve;
    serve["schemaVersion"] = report::kReportSchemaVersion;
    serve["exitCode"] = 1;
    serve["environments"] = {{{"id", 1}, {"report", report::json_report(one, clock)}},
                             {{"id", 3}, {"report", report::json_report(three, clock)}}};
    const auto read = report::read_report(nlohmann::ordered_json::parse(serve.dump()));
    REQUIRE(read.error.empty());
    // Times come back at the report's resolution: compare names and bodies, which hold none finer.
    const auto again = report::junit_report(read.numbered());
    const auto without_times = [](std::string text) {
        for (auto at = text.find(" time=\""); at != std::string::npos; at = text.find(" time=\"", at + 1))
            text.erase(at, text.find('"', at + 7) + 1 - at);
        return text;
    };
    CHECK(without_times(again) == without_times(xml));
}

TEST_CASE("the Markdown summary: verdict, counts, the Shutdown table and the failures, in a few lines")
{
    testing::FakeClock clock;
    const auto record = a_run(clock.now(), "r");
    const auto summary = report::markdown_summary({{1, &record}}, 5, "runtime killed at its 300 ms deadline");
    CHECK(summary.starts_with("## lambda-emu: failed, exit code 5\n\nruntime killed at its 300 ms deadline\n\n"));
    CHECK(summary.find("**orders**: 1 environment, 1 Init, 2 invocations: 1 done, 1 failed\n") != std::string::npos);
    CHECK(summary.find("| environment | process | verdict | cleanup | deadline |\n") != std::string::npos);
    CHECK(summary.find("| 1 | runtime | **killed** | 300.0 ms | 300 ms |\n") != std::string::npos);
    CHECK(summary.find("| 1 | extension shutdown-logger | graceful | 11.0 ms | 2000 ms |\n") != std::string::npos);
    CHECK(summary.find("- **invoke 2 (bad.json)** (environment 1): function-error: OrderRejected: order 7 was "
                       "rejected &lt;because&gt;\n") != std::string::npos);
    CHECK(summary.find("- **shutdown runtime** (environment 1): killed: runtime") != std::string::npos);
    CHECK(lines_in(summary) < 25);

    const auto passed = report::markdown_summary({}, 0, "");
    CHECK(passed == "## lambda-emu: passed, exit code 0\n\nNo execution environment was started.\n");
}

TEST_CASE("a large run's summary stays short: the killed processes first, the rest counted")
{
    testing::FakeClock clock;
    std::vector<report::RunRecord> records;
    for (int i = 0; i < 40; ++i) records.push_back(a_run(clock.now() + milliseconds{i}, "e" + std::to_string(i)));
    std::vector<report::NumberedRecord> numbered;
    for (int i = 0; i < 40; ++i) numbered.push_back({i + 1, &records[static_cast<std::size_t>(i)]});
    const auto summary = report::markdown_summary(numbered, 5, "runtime killed");
    CHECK(lines_in(summary) <= 45);
    CHECK(summary.find("**orders**: 40 environments, 40 Inits, 80 invocations: 40 done, 40 failed\n") !=
          std::string::npos);
    // 80 processes, 40 of them killed: the table shows 12 killed ones and counts the rest.
    CHECK(summary.find("| 12 | runtime | **killed** |") != std::string::npos);
    CHECK(summary.find("| 13 | runtime |") == std::string::npos);
    CHECK(summary.find("| graceful |") == std::string::npos);
    CHECK(summary.find("... and 68 more processes: 40 graceful, 28 killed (the JUnit and JSON reports list each).") !=
          std::string::npos);
    CHECK(summary.find("- ... and 72 more (the JUnit report has each") != std::string::npos);
}

TEST_CASE("Markdown text shows literally what a function printed")
{
    CHECK(report::markdown_text("a|b *c* _d_ `e` <f> [g](h) #1\nnext") ==
          "a\\|b \\*c\\* \\_d\\_ \\`e\\` &lt;f&gt; \\[g\\](h) \\#1 next");
}
