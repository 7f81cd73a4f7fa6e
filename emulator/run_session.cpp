#include "run_session.hpp"

#include "exit_codes.hpp"
#include "report/cleanup_table.hpp"
#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "report/platform_log.hpp"
#include "report/result_line.hpp"

#include <boost/asio/post.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>

namespace lambda_emu {

RunSession::RunSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock, IdGenerator& ids,
                       std::vector<invoke::Event> events, report::RunRecord record, Outputs outputs)
    : io_{io},
      console_{console},
      clock_{clock},
      ids_{ids},
      events_{std::move(events)},
      record_{std::move(record)},
      outputs_{std::move(outputs)}
{
}

void RunSession::start()
{
    host_->environment().start_init();
    dispatch_next(); // waits behind Init inside the environment
}

void RunSession::dispatch_next()
{
    auto& environment = host_->environment();
    if (interrupted_by_ != 0) return;
    if (next_event_ == events_.size()) {
        environment.shutdown();
        return;
    }
    const auto& event = events_[next_event_++];
    console_.lifecycle("Invoke " + std::to_string(next_event_) + "/" + std::to_string(events_.size()) + ": event " +
                       event.source);
    core::InvokeRequest request;
    request.payload = event.payload;
    request.trace_id = ids_.trace_id(clock_.epoch_ms(clock_.now()) / 1000);
    environment.invoke(std::move(request), [this](core::InvokeResult result) { record(result); });
}

void RunSession::record(const core::InvokeResult& result)
{
    using core::InvokeOutcome;
    switch (result.outcome) {
    case InvokeOutcome::Success: break;
    case InvokeOutcome::FunctionError: function_error_ = true; break;
    case InvokeOutcome::Timeout:
    case InvokeOutcome::RuntimeExit:
    case InvokeOutcome::ExtensionFailure: timeout_or_crash_ = true; break;
    case InvokeOutcome::InitFailure: init_failure_ = true; break;
    case InvokeOutcome::Interrupted: break;
    }
    outcomes_[result.request_id] = {result.outcome, result.error_type};
    console_.result(report::result_line(result));
}

void RunSession::interrupt(int signal)
{
    if (interrupted_by_ == 0) {
        interrupted_by_ = signal;
        console_.lifecycle(std::string{"interrupted by "} + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                           ": shutting down (again to kill at once)");
        host_->environment().shutdown();
        return;
    }
    console_.lifecycle("interrupted again: killing every process now");
    host_->environment().kill_now();
}

void RunSession::init_started(core::InitPhase phase)
{
    if (phase == core::InitPhase::Init) console_.platform(report::init_start_line());
    console_.lifecycle(std::string{"Init ("} + core::to_string(phase) + "): starting the runtime, AWS_LAMBDA_RUNTIME_API=" +
                       host_->runtime_api());
}

void RunSession::extensions_initialised(const std::vector<core::Extension>& extensions)
{
    record_.extensions.clear();
    for (const auto& extension : extensions) {
        if (!extension.registered()) continue;
        record_.extensions.push_back({extension.name, extension.kind, extension.wants_invoke, extension.wants_shutdown});
        std::string events;
        if (extension.wants_invoke) events = "INVOKE";
        if (extension.wants_shutdown) events += events.empty() ? "SHUTDOWN" : ", SHUTDOWN";
        // Lambda's own line, tab-separated (LAMBDA-SPEC 3.6).
        console_.platform("EXTENSION\tName: " + extension.name + "\tState: Ready\tEvents: [" + events + "]");
    }
}

void RunSession::init_finished(const core::InitReport& report)
{
    record_.inits.push_back(report);
    // Lambda writes no INIT_REPORT for a successful on-demand init (its time shows in REPORT).
    if (report.status != core::InitStatus::Success || report.phase == core::InitPhase::Invoke) {
        console_.platform(report::init_report_line(report));
    }
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.2f ms", report.duration_ms);
    if (report.status == core::InitStatus::Success) {
        console_.lifecycle(std::string{"Init complete in "} + duration);
    } else {
        console_.lifecycle(std::string{"Init failed after "} + duration + " (" + core::to_string(report.status) +
                           (report.error_type.empty() ? "" : ", " + report.error_type) +
                           "): the next invocation initialises again (a suppressed init)");
    }
}

void RunSession::invocation_started(const core::Invocation& invocation)
{
    console_.platform(report::start_line(invocation.request_id, host_->environment().config().version));
}

void RunSession::runtime_exit_during_invocation(const std::string&, const std::string& message)
{
    console_.platform(message);
    console_.platform("Runtime.ExitError");
}

void RunSession::invocation_finished(const core::InvocationReport& report)
{
    report::InvocationRecord invocation;
    invocation.source = next_event_ > 0 ? events_[next_event_ - 1].source : std::string{};
    invocation.report = report;
    if (auto found = outcomes_.find(report.request_id); found != outcomes_.end()) {
        invocation.outcome = found->second.first;
        invocation.error_type = found->second.second;
        outcomes_.erase(found);
    }
    record_.invocations.push_back(std::move(invocation));
    // A crash after the runtime answered leaves the caller's answer alone but still fails the run.
    if ((report.status == core::InvokeStatus::Timeout || report.status == core::InvokeStatus::Failure) &&
        report.error_type != "Emulator.Interrupted") {
        timeout_or_crash_ = true;
    }
    console_.platform(report::end_line(report.request_id));
    console_.platform(report::report_line(report));
    // Not from inside the core's call stack: the next step starts on a fresh turn of the loop.
    boost::asio::post(io_, [this] { dispatch_next(); });
}

void RunSession::shutdown_started(core::ShutdownReason reason, bool final)
{
    console_.lifecycle(std::string{final ? "Shutdown" : "Reset"} + " (reason " + core::to_string(reason) + ")");
}

void RunSession::shutdown_finished(const core::ShutdownReport& report)
{
    record_.shutdowns.push_back(report);
    console_.block(report::cleanup_table(report));
    if (!report.final) return;
    for (const auto& process : report.processes) {
        if (!process.exited_before_shutdown &&
            (process.verdict == core::Verdict::Killed || process.verdict == core::Verdict::Crashed)) {
            unclean_shutdown_ = true;
        }
    }
    write_reports();
    console_.lifecycle("exit code " + std::to_string(exit_code()));
    io_.stop();
}

void RunSession::write_reports()
{
    record_.exit_code = exit_code();
    auto write = [this](const std::string& path, const std::string& content, const char* what) {
        if (path.empty()) return;
        std::ofstream out{path, std::ios::binary | std::ios::trunc};
        out << content;
        out.close();
        if (!out) {
            report_write_failed_ = true;
            console_.lifecycle(std::string{"error: cannot write the "} + what + " to " + path);
            return;
        }
        console_.lifecycle(std::string{what} + " written to " + path);
    };
    write(outputs_.json_report_path, report::json_report(record_, clock_).dump(2) + "\n", "JSON report");
    write(outputs_.junit_path, report::junit_report(record_), "JUnit report");
}

int RunSession::exit_code() const
{
    if (interrupted_by_ != 0) return 128 + interrupted_by_;
    if (report_write_failed_) return exit_codes::kEmulatorError;
    if (init_failure_) return exit_codes::kInitFailure;
    if (timeout_or_crash_) return exit_codes::kTimeoutOrCrash;
    if (unclean_shutdown_ && !outputs_.allow_kill) return exit_codes::kUncleanShutdown;
    if (function_error_) return exit_codes::kFunctionError;
    return exit_codes::kSuccess;
}

} // namespace lambda_emu
