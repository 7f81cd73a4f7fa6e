#pragma once
// `lambda-emu run`: Init, the events one after another, then the final Shutdown phase; the
// reports and the exit code at the end.
#include "core/clock.hpp"
#include "host/environment_host.hpp"
#include "host/environment_reporter.hpp"
#include "host/ids.hpp"
#include "interrupts.hpp"
#include "invoke/event_source.hpp"
#include "report/console.hpp"
#include "run_end.hpp"
#include "run_progress.hpp"

#include <boost/asio/io_context.hpp>

#include <optional>
#include <vector>

namespace lambda_emu {

class RunSession final : private core::LifecycleObserver, public Interrupts::Target {
public:
    RunSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock, IdGenerator& ids,
               std::vector<invoke::Event> events, report::RunRecord record, ReportPaths reports);

    // The environment's observers: the reporter, then this session, which goes on once the
    // reporter has recorded each invocation and the final Shutdown phase.
    std::vector<core::LifecycleObserver*> observers() { return {&reporter_, this}; }
    void process_line(const LineSource& source, std::string_view line) { reporter_.process_line(source, line); }
    void attach(EnvironmentHost& host);
    void start();
    int exit_code() const;

    // SIGINT/SIGTERM/SIGHUP: the first spins down (the invocation in flight is interrupted), the
    // second kills at once. The exit code is 128 + the first one's number.
    bool spinning_down() const override { return end_.interrupted_by() != 0; }
    void spin_down(int signal) override;
    void kill_now() override;

private:
    void invocation_finished(const core::InvocationReport& report) override;
    void shutdown_finished(const core::ShutdownReport& report) override;
    void dispatch_next();
    void finish();

    boost::asio::io_context& io_;
    report::Console& console_;
    core::Clock& clock_;
    IdGenerator& ids_;
    std::vector<invoke::Event> events_;
    std::size_t next_event_ = 0;
    std::optional<RunProgress> progress_; // on a terminal, for more than one event
    EnvironmentReporter reporter_;
    RunEnd end_;
    EnvironmentHost* host_ = nullptr;
};

} // namespace lambda_emu
