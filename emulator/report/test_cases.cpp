#include "test_cases.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace lambda_emu::report {

namespace {

std::string case_ms(double ms)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f ms", ms);
    return text;
}

// A message's first line, for a one-line failure message; the details keep it whole.
std::string headline(const std::string& message)
{
    constexpr std::size_t kShown = 200;
    std::string line = message.substr(0, message.find('\n'));
    return line.size() <= kShown ? line : std::string{core::utf8_prefix(line, kShown)} + "...";
}

std::string last_lines_text(const core::ProcessCleanup& process)
{
    if (process.evidence.last_lines.empty()) return {};
    std::string text = "Last lines of " + process_words(process) + ":\n";
    for (const auto& line : process.evidence.last_lines) text += "  " + line + "\n";
    return text;
}

// The Shutdown phase that followed something that started at `start` (an Init attempt, an
// invocation), when nothing else started in between: its processes' last lines are then what
// they printed around the failure. A report too old to have start times has none to match.
const core::ShutdownReport* shutdown_after(const RunRecord& record, core::SteadyTime start)
{
    if (start == core::SteadyTime{}) return nullptr;
    std::optional<core::SteadyTime> next_start;
    const auto consider = [&](core::SteadyTime at) {
        if (at > start && (!next_start || at < *next_start)) next_start = at;
    };
    for (const auto& init : record.inits) consider(init.started_at);
    for (const auto& invocation : record.invocations) consider(invocation.report.started_at);
    for (const auto& shutdown : record.shutdowns) {
        if (shutdown.started_at < start) continue;
        if (next_start && shutdown.started_at > *next_start) return nullptr;
        return &shutdown;
    }
    return nullptr;
}

// The last lines of the processes of the phase after `start`: the runtime's, and the
// extensions' too when `extensions_as_well` (an extension failed).
std::string lines_after(const RunRecord& record, core::SteadyTime start, bool extensions_as_well)
{
    const auto* shutdown = shutdown_after(record, start);
    if (!shutdown) return {};
    std::string text;
    for (const auto& process : shutdown->processes) {
        if (process.kind == core::ProcessKind::Runtime || extensions_as_well) text += last_lines_text(process);
    }
    return text;
}

std::string init_name(std::size_t attempt)
{
    return attempt == 1 ? "init" : "init " + std::to_string(attempt);
}

TestCase init_case(const RunRecord& record, const core::InitReport& init, std::size_t attempt)
{
    TestCase test{init_name(attempt), init.duration_ms, std::nullopt, {}};
    if (init.status == core::InitStatus::Success) return test;
    const std::string status = core::to_string(init.status);
    TestFailure failure;
    failure.type = "init-" + status;
    failure.message = "Init failed (" + status + ")" + (init.error_type.empty() ? "" : ": " + init.error_type) +
                      (init.error_message.empty() ? "" : ": " + headline(init.error_message));
    failure.details = std::string{"Init ("} + core::to_string(init.phase) + " phase) ended with status " + status +
                      " after " + case_ms(init.duration_ms) +
                      (init.status == core::InitStatus::Timeout
                           ? ", at its timeout of " + std::to_string(record.function.init_timeout.count()) + " ms"
                           : "") +
                      ".\n";
    if (!init.error_type.empty()) failure.details += "errorType: " + init.error_type + "\n";
    if (!init.error_message.empty()) failure.details += "errorMessage: " + init.error_message + "\n";
    failure.details += lines_after(record, init.started_at, false);
    test.failure = std::move(failure);
    return test;
}

std::string invocation_diagnostic(const RunRecord& record, core::InvokeOutcome outcome)
{
    switch (outcome) {
    case core::InvokeOutcome::Success: return {};
    case core::InvokeOutcome::FunctionError: return "The function returned an error.";
    case core::InvokeOutcome::Timeout:
        return "The invocation did not finish within the function's timeout of " +
               std::to_string(record.function.timeout.count()) + " ms; the environment was reset.";
    case core::InvokeOutcome::RuntimeExit:
        return "The runtime exited during the invocation; the environment was reset.";
    case core::InvokeOutcome::InitFailure:
        return "Init failed in this invocation (a suppressed init), and the invocation got its error.";
    case core::InvokeOutcome::ExtensionFailure:
        return "An extension failed during the invocation; the environment was reset.";
    case core::InvokeOutcome::Interrupted: return "The emulator was stopped while the invocation ran.";
    }
    return {};
}

TestCase invocation_case(const RunRecord& record, const InvocationRecord& invocation, std::uint64_t number)
{
    const std::string label = event_label(invocation.source);
    TestCase test{"invoke " + std::to_string(number) + (label.empty() ? "" : " (" + label + ")"),
                  invocation.report.duration_ms,
                  std::nullopt,
                  {}};
    if (!invocation.outcome || *invocation.outcome == core::InvokeOutcome::Success) return test;
    const auto outcome = *invocation.outcome;
    TestFailure failure;
    failure.type = to_string(outcome);
    failure.message = failure.type + (invocation.error_type.empty() ? "" : ": " + invocation.error_type) +
                      (invocation.error_message.empty() ? "" : ": " + headline(invocation.error_message));
    failure.details = invocation_diagnostic(record, outcome) + "\n";
    failure.details +=
        "requestId: " + invocation.report.request_id + ", duration " + case_ms(invocation.report.duration_ms) + "\n";
    if (!invocation.error_type.empty()) failure.details += "errorType: " + invocation.error_type + "\n";
    if (!invocation.error_message.empty()) failure.details += "errorMessage: " + invocation.error_message + "\n";
    failure.details +=
        lines_after(record, invocation.report.started_at, outcome == core::InvokeOutcome::ExtensionFailure);
    test.failure = std::move(failure);
    return test;
}

// The invocations not kept in full, as one case: it fails if any of them did, so CI sees every
// failure even when the record of it is gone (their counts come from the summary).
TestCase not_kept_case(const RunRecord& record)
{
    std::map<std::string, std::uint64_t> outcomes = record.invocation_summary.by_outcome;
    double kept_ms = 0;
    for (const auto& invocation : record.invocations) {
        --outcomes[invocation.outcome ? to_string(*invocation.outcome) : "none"];
        kept_ms += invocation.report.duration_ms;
    }
    TestCase test{"invoke 1-" + std::to_string(record.invocations_not_kept) + " (not kept in full)",
                  record.invocation_summary.total_duration_ms - kept_ms,
                  std::nullopt,
                  {}};
    std::string failed;
    for (const auto& [outcome, count] : outcomes) {
        if (outcome == "success" || outcome == "none" || count == 0) continue; // as for kept ones
        failed += (failed.empty() ? "" : ", ") + std::to_string(count) + " " + outcome;
    }
    if (!failed.empty()) {
        test.failure =
            TestFailure{"not-kept", failed,
                        "Of the first " + std::to_string(record.invocations_not_kept) +
                            " invocations, whose records were let go to keep memory flat: " + failed + ".\n"};
    }
    return test;
}

std::string shutdown_name(const core::ShutdownReport& shutdown, const core::ProcessCleanup& process, std::size_t reset)
{
    std::string name = "shutdown " + process_words(process);
    if (!shutdown.final) name += " (reset " + std::to_string(reset) + ")";
    return name;
}

TestCase shutdown_case(const RunRecord& record, const core::ShutdownReport& shutdown,
                       const core::ProcessCleanup& process, std::size_t reset)
{
    TestCase test{
        shutdown_name(shutdown, process, reset), core::cleanup_duration_ms(process).value_or(0), std::nullopt, {}};
    const std::string lines = last_lines_text(process);
    if (!core::unclean_shutdown(process)) {
        test.output = lines;
        return test;
    }
    const std::string status = process.exit_status ? " (" + process.exit_status->describe() + ")" : std::string{};
    TestFailure failure;
    failure.type = core::to_string(process.verdict);
    failure.message = failure.type + ": " + process.name + status;
    std::string why;
    if (process.verdict == core::Verdict::Killed) {
        // What the kill means, from the evidence: a finished cleanup or one cut short.
        why = core::killed_diagnostic(shutdown, process, record.runtime.id);
        failure.message += ": " + why;
        if (const auto throttled =
                core::throttled_diagnostic(process, record.function.memory_mb, record.resources.vcpus))
            why += "\n" + *throttled;
    } else {
        why = process.name + " crashed in the Shutdown phase" + status + ".";
    }
    failure.details = why + "\n";
    failure.details += std::string{"Shutdown phase (reason "} + core::to_string(shutdown.reason) +
                       (shutdown.final ? "" : ", a reset") + ")";
    if (const auto deadline = core::offset_ms(shutdown, process.deadline))
        failure.details += ", deadline " + case_ms(*deadline);
    if (const auto kill = core::offset_ms(shutdown, process.sigkill_at))
        failure.details += ", SIGKILL at " + case_ms(*kill);
    failure.details += ".\n" + lines;
    test.failure = std::move(failure);
    return test;
}

} // namespace

std::string process_words(const core::ProcessIdentity& who)
{
    return who.is_runtime() ? "runtime" : "extension " + who.name;
}

std::string event_label(const std::string& source)
{
    if (source == "default") return {};
    const auto slash = source.find_last_of('/');
    return slash == std::string::npos ? source : source.substr(slash + 1);
}

TestSuite test_suite(const NumberedRecord& numbered)
{
    const RunRecord& record = *numbered.record;
    TestSuite suite;
    suite.environment = numbered.environment;
    suite.name = "lambda-emu." + record.function.name + ".environment-" + std::to_string(numbered.environment);
    for (std::size_t i = 0; i < record.inits.size(); ++i)
        suite.cases.push_back(init_case(record, record.inits[i], i + 1));
    if (record.invocations_not_kept > 0) suite.cases.push_back(not_kept_case(record));
    for (std::size_t i = 0; i < record.invocations.size(); ++i)
        suite.cases.push_back(invocation_case(record, record.invocations[i], record.invocations_not_kept + i + 1));
    std::size_t resets = 0;
    for (const auto& shutdown : record.shutdowns) {
        if (!shutdown.final) ++resets;
        for (const auto& process : shutdown.processes) {
            if (process.exited_before_shutdown) continue; // its failure is the Init's or the invocation's
            suite.cases.push_back(shutdown_case(record, shutdown, process, resets));
        }
    }
    return suite;
}

} // namespace lambda_emu::report
