#include "run_session.hpp"
#include "core/json_text.hpp"

#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "report/result_line.hpp"

#include <boost/asio/post.hpp>

namespace lambda_emu {

RunSession::RunSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock, IdGenerator& ids,
                       std::vector<invoke::Event> events, report::RunRecord record, ReportPaths reports)
    : io_{io}, console_{console}, clock_{clock}, ids_{ids}, events_{std::move(events)},
      reporter_{console, clock, std::move(record), {}}, end_{console, std::move(reports),
                                                             reporter_.record().exit_policy}
{
    if (RunProgress::worth_showing(events_.size(), report::Console::stderr_is_terminal()))
        progress_ = RunProgress{.total = events_.size()};
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
    if (spinning_down()) return;
    if (next_event_ == events_.size()) {
        if (progress_) console_.set_status({}); // the Shutdown phase's table follows: the count is in it
        environment.shutdown();
        return;
    }
    const auto& event = events_[next_event_++];
    console_.lifecycle("Invoke " + std::to_string(next_event_) + "/" + std::to_string(events_.size()) + ": event " +
                       event.source);
    core::InvokeRequest request;
    request.payload = event.payload;
    request.trace_id = ids_.trace_id(clock_);
    environment.invoke(std::move(request), [this, source = event.source](core::InvokeResult result) {
        reporter_.record_result(result, source);
        console_.result(report::result_line(result));
        if (progress_) {
            ++progress_->done;
            if (result.is_function_error()) ++progress_->failed;
            console_.set_status(progress_->text());
        }
    });
}

void RunSession::spin_down(int signal)
{
    end_.interrupted_by(signal);
    if (progress_) console_.set_status({});
    host_->environment().shutdown();
}

void RunSession::kill_now()
{
    host_->environment().kill_now();
}

void RunSession::finish()
{
    auto record = reporter_.record();
    record.exit_code = exit_code();
    record.exit_reason = end_.exit_reason({&reporter_});
    end_.write_reports(core::json_text(report::json_report(record, clock_), 2) + "\n", report::junit_report(record),
                       {{1, &record}}, {&reporter_});
    io_.stop();
}

int RunSession::exit_code() const
{
    return end_.exit_code({&reporter_});
}

} // namespace lambda_emu
