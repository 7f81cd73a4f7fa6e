#pragma once
// `lambda-emu run`: Init, the events one after another, then the final Shutdown phase, with
// each step told on the console and the exit code decided at the end.
#include "core/ports.hpp"
#include "environment_host.hpp"
#include "ids.hpp"
#include "invoke/event_source.hpp"
#include "report/console.hpp"

#include <boost/asio/io_context.hpp>

#include <vector>

namespace lambda_emu {

class RunSession final : public core::LifecycleObserver {
public:
    RunSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock, IdGenerator& ids,
               std::vector<invoke::Event> events);

    void attach(EnvironmentHost& host) { host_ = &host; }
    void start();
    // SIGINT/SIGTERM: the first spins down (the invocation in flight is interrupted), the second
    // kills at once.
    void interrupt(int signal);
    int exit_code() const;

    void init_started(core::InitPhase phase) override;
    void init_finished(const core::InitReport& report) override;
    void invocation_started(const core::Invocation& invocation) override;
    void runtime_exit_during_invocation(const std::string& request_id, const std::string& message) override;
    void invocation_finished(const core::InvocationReport& report) override;
    void shutdown_started(core::ShutdownReason reason, bool final) override;
    void shutdown_finished(const core::ShutdownReport& report) override;

private:
    void dispatch_next();
    void record(const core::InvokeResult& result);

    boost::asio::io_context& io_;
    report::Console& console_;
    core::Clock& clock_;
    IdGenerator& ids_;
    std::vector<invoke::Event> events_;
    std::size_t next_event_ = 0;
    EnvironmentHost* host_ = nullptr;

    int interrupted_by_ = 0;
    bool function_error_ = false;
    bool timeout_or_crash_ = false;
    bool init_failure_ = false;
    bool unclean_shutdown_ = false;
};

} // namespace lambda_emu
