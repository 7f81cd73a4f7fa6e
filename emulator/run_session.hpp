#pragma once
// `lambda-emu run`: Init, the events one after another, then the final Shutdown phase, with
// each step told on the console and the exit code decided at the end.
#include "core/ports.hpp"
#include "environment_host.hpp"
#include "ids.hpp"
#include "invoke/event_source.hpp"
#include "report/console.hpp"
#include "report/run_record.hpp"

#include <boost/asio/io_context.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace lambda_emu {

class RunSession final : public core::LifecycleObserver {
public:
    struct Outputs {
        std::string json_report_path; // --report
        std::string junit_path;       // --junit
        bool allow_kill = false;      // --allow-kill: killed processes do not fail the run
    };

    RunSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock, IdGenerator& ids,
               std::vector<invoke::Event> events, report::RunRecord record, Outputs outputs);

    void attach(EnvironmentHost& host) { host_ = &host; }
    void set_runtime_api(std::string runtime_api) { record_.runtime_api = std::move(runtime_api); }
    void start();
    // SIGINT/SIGTERM: the first spins down (the invocation in flight is interrupted), the second
    // kills at once.
    void interrupt(int signal);
    int exit_code() const;

    void init_started(core::InitPhase phase) override;
    void extensions_initialised(const std::vector<core::Extension>& extensions) override;
    void init_finished(const core::InitReport& report) override;
    void invocation_started(const core::Invocation& invocation) override;
    void runtime_exit_during_invocation(const std::string& request_id, const std::string& message) override;
    void invocation_finished(const core::InvocationReport& report) override;
    void shutdown_started(core::ShutdownReason reason, bool final) override;
    void shutdown_finished(const core::ShutdownReport& report) override;

private:
    void dispatch_next();
    void record(const core::InvokeResult& result);
    void write_reports();

    boost::asio::io_context& io_;
    report::Console& console_;
    core::Clock& clock_;
    IdGenerator& ids_;
    std::vector<invoke::Event> events_;
    std::size_t next_event_ = 0;
    report::RunRecord record_;
    Outputs outputs_;
    std::unordered_map<std::string, std::pair<core::InvokeOutcome, std::string>> outcomes_; // by request id
    bool report_write_failed_ = false;
    EnvironmentHost* host_ = nullptr;

    int interrupted_by_ = 0;
    bool function_error_ = false;
    bool timeout_or_crash_ = false;
    bool init_failure_ = false;
    bool unclean_shutdown_ = false;
};

} // namespace lambda_emu
