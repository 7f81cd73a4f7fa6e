#include "environment_reporter.hpp"
#include "core/json_text.hpp"
#include "core/runtime_calls.hpp"

#include "report/cleanup_table.hpp"
#include "report/late_output.hpp"
#include "report/platform_log.hpp"
#include "report/result_line.hpp"
#include "report/shutdown_summary.hpp"
#include "report/test_cases.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cstdio>

namespace lambda_emu {

EnvironmentReporter::EnvironmentReporter(report::Console& console, const core::Clock& clock, report::RunRecord record,
                                         std::string label, report::InvocationBudget* budget)
    : console_{console}, clock_{clock}, record_{std::move(record)}, budget_{budget ? *budget : own_budget_},
      json_log_format_{record_.function.log_format == "JSON"}, label_{std::move(label)}
{
}

void EnvironmentReporter::platform_event(const std::string& text, const char* type,
                                         extensions_api::records::Json record)
{
    if (!json_log_format_) {
        platform(text);
        return;
    }
    platform(core::json_text(extensions_api::records::event(clock_.to_wall(clock_.now()), type, std::move(record))));
}

void EnvironmentReporter::platform(const std::string& line)
{
    console_.platform(line);
    capture(line);
}

void EnvironmentReporter::lifecycle(const std::string& line)
{
    console_.lifecycle(label_.empty() ? line : "environment " + label_ + ": " + line);
}

void EnvironmentReporter::process_line(const LineSource& source, std::string_view line)
{
    if (!source) {
        platform(std::string{line});
        return;
    }
    const core::ProcessIdentity& who = *source;
    if (!who.is_runtime()) {
        echo(who, line);
    } else {
        auto shown = repeated_init_output_.line(line);
        echo_runtime(shown.released);
        if (shown.print_line) echo(who, line);
        if (shown.repeated > 0)
            lifecycle("the runtime printed the same " +
                      (shown.repeated == 1 ? std::string{"line"} : std::to_string(shown.repeated) + " lines") +
                      " as in the failed Init before (not shown again)");
    }
    capture(line);
    recent_lines_.add(who, line);
    if (late_lines_to_) add_late_line(who, line);
    if (idle_window_ == IdleWindow::None) return;
    if (auto* late = late_output()) {
        (idle_window_ == IdleWindow::AfterEnd ? late->after_end : late->after_thaw)++;
        if (late->first_line.empty()) {
            // Enough to recognise it; a cut through a character becomes U+FFFD.
            late->first_line = core::valid_utf8("[" + report::output_label(who) + "] " +
                                                std::string{line.substr(0, std::min<std::size_t>(line.size(), 200))});
        }
    }
}

void EnvironmentReporter::echo(const core::ProcessIdentity& who, std::string_view line)
{
    console_.process_line(who, label_, line);
}

void EnvironmentReporter::echo_runtime(const std::vector<std::string>& lines)
{
    for (const auto& line : lines) echo(core::ProcessIdentity::runtime(), line);
}

report::LateOutput* EnvironmentReporter::late_output()
{
    if (last_ended_.empty() || record_.invocations.empty()) return nullptr;
    auto& last = record_.invocations.back();
    if (last.report.request_id != last_ended_ || !last.late_output) return nullptr;
    return &*last.late_output;
}

void EnvironmentReporter::environment_frozen()
{
    // Frozen after an Init has no invocation to tell of; only the one after an invocation counts.
    if (last_ended_.empty() || record_.invocations.empty() ||
        record_.invocations.back().report.request_id != last_ended_) {
        return;
    }
    record_.invocations.back().late_output = report::LateOutput{};
    idle_window_ = IdleWindow::AfterEnd;
}

void EnvironmentReporter::environment_thawed()
{
    if (idle_window_ == IdleWindow::AfterEnd) idle_window_ = IdleWindow::AfterThaw;
}

// The next event or SIGTERM went out: what the processes print from now on is theirs.
void EnvironmentReporter::close_idle_window()
{
    if (idle_window_ == IdleWindow::None) return;
    idle_window_ = IdleWindow::None;
    const auto* late = late_output();
    last_ended_.clear();
    if (!late || late->after_end + late->after_thaw == 0) return;
    lifecycle("note: " + report::late_output_diagnostic(*late, record_.invocations.back().report.request_id,
                                                        !record_.freeze_method.empty()));
}

void EnvironmentReporter::capture(std::string_view line)
{
    if (!capturing_) return;
    invocation_log_ += line;
    invocation_log_ += '\n';
    if (invocation_log_.size() > 4 * kInvocationLogTail)
        invocation_log_.erase(0, invocation_log_.size() - kInvocationLogTail);
}

void EnvironmentReporter::record_result(const core::InvokeResult& result, std::string source, int attempt)
{
    using core::InvokeOutcome;
    const auto first = [](bool& fact, std::string& why, std::string text) {
        if (!fact) why = std::move(text);
        fact = true;
    };
    const std::string invocation = "invocation " + result.request_id;
    const std::string type = result.error_type.empty() ? std::string{} : " (" + result.error_type + ")";
    switch (result.outcome) {
    case InvokeOutcome::Success: break;
    case InvokeOutcome::FunctionError:
        first(facts_.function_error, facts_.function_error_why, invocation + " returned a function error" + type);
        break;
    case InvokeOutcome::Timeout:
        first(facts_.timeout_or_crash, facts_.timeout_or_crash_why, invocation + " timed out" + type);
        break;
    case InvokeOutcome::RuntimeExit:
        first(facts_.timeout_or_crash, facts_.timeout_or_crash_why, invocation + ": the runtime exited" + type);
        break;
    case InvokeOutcome::ExtensionFailure:
        first(facts_.timeout_or_crash, facts_.timeout_or_crash_why, invocation + ": an extension failed" + type);
        break;
    case InvokeOutcome::InitFailure:
        first(facts_.init_failure, facts_.init_failure_why,
              "Init failed" + type + " and " + invocation + " got its error");
        break;
    case InvokeOutcome::Interrupted: break;
    }
    // The message, for the reports' diagnostics: read from the error body once, not kept whole.
    std::string message;
    if (result.outcome != InvokeOutcome::Success && result.payload)
        message = core::error_message_of(*result.payload, report::kMaxInvocationErrorMessage);
    answers_[result.request_id] =
        Answer{result.outcome, result.error_type, std::move(message), std::move(source), attempt};
}

void EnvironmentReporter::add_late_line(const core::ProcessIdentity& who, std::string_view line)
{
    for (auto& process : record_.shutdowns.at(*late_lines_to_).processes) {
        if (process.identity() == who) report::append_last_line(process.evidence.last_lines, line);
    }
}

namespace {

// A message's first line, short enough for the lifecycle line it goes into ("Error: Cannot find
// module 'x'" of Node.js's "...\nRequire stack:\n- ..."); the reports keep it whole.
std::string message_headline(const std::string& message)
{
    constexpr std::size_t kShown = 160;
    std::string line = message.substr(0, message.find('\n'));
    if (line.size() <= kShown) return line;
    return core::valid_utf8(line.substr(0, kShown)) + "...";
}

} // namespace

void EnvironmentReporter::init_started(core::InitPhase phase)
{
    // New processes: what is printed from now on is theirs.
    recent_lines_.clear();
    late_lines_to_.reset();
    echo_runtime(repeated_init_output_.init_started(last_init_failed_));
    if (phase == core::InitPhase::Init) {
        platform_event(report::init_start_line(record_.runtime.version), "platform.initStart",
                       extensions_api::records::init_start(phase, record_.function.name, record_.function.version));
    }
    lifecycle(std::string{"Init ("} + core::to_string(phase) +
              "): starting the runtime, AWS_LAMBDA_RUNTIME_API=" + record_.runtime_api);
}

void EnvironmentReporter::extensions_initialised(const std::vector<core::Extension>& extensions)
{
    record_.extensions.clear();
    for (const auto& extension : extensions) {
        if (!extension.registered()) continue;
        record_.extensions.push_back(
            {extension.name, extension.kind, extension.wants_invoke, extension.wants_shutdown});
        std::string events;
        if (extension.wants_invoke) events = "INVOKE";
        if (extension.wants_shutdown) events += events.empty() ? "SHUTDOWN" : ", SHUTDOWN";
        // Lambda's own line, tab-separated (docs/lambda-rules.md §3.6).
        platform_event("EXTENSION\tName: " + extension.name + "\tState: Ready\tEvents: [" + events + "]",
                       "platform.extension", extensions_api::records::extension(extension));
    }
}

void EnvironmentReporter::init_finished(const core::InitReport& report)
{
    record_.inits.push_back(report);
    last_init_failed_ = report.status != core::InitStatus::Success;
    if (!last_init_failed_) echo_runtime(repeated_init_output_.init_succeeded());
    // Lambda writes no INIT_REPORT for a successful on-demand init (its time shows in REPORT).
    if (report.status != core::InitStatus::Success || report.phase == core::InitPhase::Invoke) {
        platform_event(report::init_report_line(report), "platform.initReport",
                       extensions_api::records::init_report(report));
    }
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.2f ms", report.duration_ms);
    if (report.status == core::InitStatus::Success) {
        lifecycle(std::string{"Init complete in "} + duration);
    } else {
        lifecycle(std::string{"Init failed after "} + duration + " (" + core::to_string(report.status) +
                  (report.error_type.empty() ? "" : ", " + report.error_type) +
                  (report.error_message.empty() ? "" : ": " + message_headline(report.error_message)) +
                  "): the next invocation initialises again (a suppressed init)");
    }
}

void EnvironmentReporter::invocation_started(const core::Invocation& invocation)
{
    close_idle_window();
    invocation_log_.clear();
    capturing_ = capture_logs_;
    platform_event(report::start_line(invocation.request_id, record_.function.version), "platform.start",
                   extensions_api::records::start(invocation, record_.function.version));
}

void EnvironmentReporter::runtime_exit_during_invocation(const std::string&, const std::string& message)
{
    platform(message);
    platform("Runtime.ExitError");
}

void EnvironmentReporter::invocation_finished(const core::InvocationReport& report)
{
    // Lambda's JSON log format has no END line: platform.report closes the invocation.
    if (!json_log_format_) platform(report::end_line(report.request_id));
    platform_event(report::report_line(report), "platform.report", extensions_api::records::report(report));
    capturing_ = false;

    report::InvocationRecord invocation;
    invocation.report = report;
    if (auto found = answers_.find(report.request_id); found != answers_.end()) {
        invocation.outcome = found->second.outcome;
        invocation.error_type = std::move(found->second.error_type);
        invocation.error_message = std::move(found->second.error_message);
        invocation.source = std::move(found->second.source);
        invocation.attempt = found->second.attempt;
        answers_.erase(found);
    }
    budget_.add(record_, std::move(invocation));
    last_ended_ = report.status == core::InvokeStatus::Success || report.status == core::InvokeStatus::Error
                      ? report.request_id
                      : std::string{}; // a timeout or a crash resets: no freeze follows
    // A crash after the runtime answered leaves the caller's answer alone but still fails the run.
    if ((report.status == core::InvokeStatus::Timeout || report.status == core::InvokeStatus::Failure) &&
        report.error_type != "Emulator.Interrupted") {
        if (!facts_.timeout_or_crash)
            facts_.timeout_or_crash_why = "invocation " + report.request_id +
                                          (report.status == core::InvokeStatus::Timeout ? " timed out" : " failed") +
                                          (report.error_type.empty() ? "" : " (" + report.error_type + ")");
        facts_.timeout_or_crash = true;
    }
}

void EnvironmentReporter::shutdown_started(core::ShutdownReason reason, bool final)
{
    close_idle_window();
    lifecycle(std::string{final ? "Shutdown" : "Reset"} + " (reason " + core::to_string(reason) + ")");
}

namespace {

// "runtime killed at its 300 ms deadline while idle", for the run's last line.
std::string unclean_exit_words(const core::ShutdownReport& report, const core::ProcessCleanup& process, bool idle)
{
    if (process.verdict == core::Verdict::Crashed) {
        const std::string status = process.exit_status ? " (" + process.exit_status->describe() + ")" : "";
        return process.name + " crashed in the Shutdown phase" + status;
    }
    std::string text = process.name + " killed";
    if (const auto deadline = core::offset_ms(report, process.deadline)) {
        char at[48];
        std::snprintf(at, sizeof at, " at its %.0f ms deadline", *deadline);
        text += at;
    }
    // Idle: no CPU, no connection of its own, at the kill (core::killed_while_idle).
    return text + (idle ? " while idle" : " while still working");
}

} // namespace

void EnvironmentReporter::shutdown_finished(const core::ShutdownReport& report)
{
    if (report.final) echo_runtime(repeated_init_output_.release());
    record_.shutdowns.push_back(report);
    for (auto& process : record_.shutdowns.back().processes) process.evidence.last_lines = recent_lines_.of(process);
    late_lines_to_ = record_.shutdowns.size() - 1;
    if (record_.shutdowns.size() > kShutdownsWithLines) {
        for (auto& process : record_.shutdowns[record_.shutdowns.size() - 1 - kShutdownsWithLines].processes)
            std::vector<std::string>{}.swap(process.evidence.last_lines);
    }
    // The environment is gone for good: its report stays, its log tail's buffer need not.
    if (report.final) std::string{}.swap(invocation_log_);
    console_.block(report::shutdown_summary(report, console_.palette()));
    if (report.final) {
        for (const auto& process : report.processes) {
            if (core::unclean_shutdown(process)) {
                const bool idle = core::killed_while_idle(report, process);
                const std::string why = unclean_exit_words(report, process, idle);
                if (!facts_.unclean_shutdown) facts_.unclean_shutdown_why = why;
                facts_.unclean_shutdown = true;
                if (!idle) {
                    if (!facts_.unclean_shutdown_not_idle) facts_.unclean_shutdown_not_idle_why = why;
                    facts_.unclean_shutdown_not_idle = true;
                }
                if (process.verdict == core::Verdict::Crashed) {
                    if (!facts_.shutdown_crash) facts_.shutdown_crash_why = why;
                    facts_.shutdown_crash = true;
                }
            }
            if (!process.exited_before_shutdown && process.verdict == core::Verdict::NotSignalled &&
                !facts_.not_signalled) {
                facts_.not_signalled = true;
                facts_.not_signalled_why = report::process_words(process) + " was not signalled";
                facts_.not_signalled_cause = process.is_runtime()
                                                 ? "no extension registered, so Lambda kills it without SIGTERM"
                                                 : "not subscribed to SHUTDOWN, so Lambda kills it at once";
            }
        }
    }
}

} // namespace lambda_emu
