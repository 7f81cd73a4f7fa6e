#include "run_session.hpp"
#include "core/json_text.hpp"

#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "report/result_line.hpp"
#include "interrupts.hpp"
#include "report_files.hpp"

#include <boost/asio/post.hpp>

#include <csignal>

namespace lambda_emu {

RunSession::RunSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock, IdGenerator& ids,
                       std::vector<invoke::Event> events, report::RunRecord record, Outputs outputs)
    : io_{io},
      console_{console},
      clock_{clock},
      ids_{ids},
      events_{std::move(events)},
      outputs_{std::move(outputs)},
      reporter_{console, clock, std::move(record), {}}
{
}

void RunSession::invocation_finished(const core::InvocationReport&)
{
    // Not from inside the core's call stack: the next step starts on a fresh turn of the loop.
    boost::asio::post(io_, [this] { dispatch_next(); });
}

void RunSession::shutdown_finished(const core::ShutdownReport& report)
{
    if (report.final) finish();
}

void RunSession::attach(EnvironmentHost& host)
{
    host_ = &host;
    reporter_.set_runtime_api(host.runtime_api());
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
    environment.invoke(std::move(request), [this, source = event.source](core::InvokeResult result) {
        reporter_.record_result(result, source);
        console_.result(report::result_line(result));
    });
}

void RunSession::interrupt(int signal)
{
    if (interrupted_by_ == 0) {
        interrupted_by_ = signal;
        console_.lifecycle(std::string{"interrupted by "} + Interrupts::name(signal) +
                           ": shutting down (again to kill at once)");
        host_->environment().shutdown();
        return;
    }
    console_.lifecycle("interrupted again: killing every process now");
    host_->environment().kill_now();
}

void RunSession::finish()
{
    auto record = reporter_.record();
    record.exit_code = exit_code();
    report_write_failed_ |= !write_report_file(console_, outputs_.json_report_path,
                                               core::json_text(report::json_report(record, clock_), 2) + "\n", "JSON report");
    report_write_failed_ |= !write_report_file(console_, outputs_.junit_path, report::junit_report(record), "JUnit report");
    console_.lifecycle("exit code " + std::to_string(exit_code()));
    io_.stop();
}

int RunSession::exit_code() const
{
    return lambda_emu::exit_code({&reporter_}, interrupted_by_, report_write_failed_, outputs_.allow_kill);
}

} // namespace lambda_emu
