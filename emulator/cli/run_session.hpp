#pragma once
// `lambda-emu run`: Init, the events one after another, then the final Shutdown phase; the
// reports and the exit code at the end.
#include "core/clock.hpp"
#include "host/environment_host.hpp"
#include "host/environment_reporter.hpp"
#include "host/ids.hpp"
#include "invoke/event_source.hpp"
#include "report/console.hpp"

#include <boost/asio/io_context.hpp>

#include <string>
#include <vector>

namespace lambda_emu {

class RunSession final : private core::LifecycleObserver {
public:
    struct Outputs {
        std::string json_report_path; // --report
        std::string junit_path;       // --junit
        bool allow_kill = false;      // --allow-kill: killed processes do not fail the run
    };

    RunSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock, IdGenerator& ids,
               std::vector<invoke::Event> events, report::RunRecord record, Outputs outputs);

    // The environment's observers: the reporter, then this session, which goes on once the
    // reporter has recorded each invocation and the final Shutdown phase.
    std::vector<core::LifecycleObserver*> observers() { return {&reporter_, this}; }
    void process_line(std::string_view source, std::string_view line) { reporter_.process_line(source, line); }
    void attach(EnvironmentHost& host);
    void start();
    // SIGINT/SIGTERM/SIGHUP: the first spins down (the invocation in flight is interrupted), the
    // second kills at once. The exit code is 128 + the first one's number.
    void interrupt(int signal);
    int exit_code() const;

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
    Outputs outputs_;
    EnvironmentReporter reporter_;
    EnvironmentHost* host_ = nullptr;
    int interrupted_by_ = 0;
    bool report_write_failed_ = false;
};

} // namespace lambda_emu
