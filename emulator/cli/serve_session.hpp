#pragma once
// One `serve` run: the control endpoint's answers, the report of every function's environments,
// and the end (SIGTERM/SIGINT or POST /lambda-emu/shutdown: every environment of every function
// spins down in parallel, the reports are written, and the process exits with the run's exit code).
#include "core/clock.hpp"
#include "host/environment_pool.hpp"
#include "interrupts.hpp"
#include "invoke/invocation_target.hpp"
#include "report/console.hpp"
#include "run_end.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <string>
#include <vector>

namespace lambda_emu {

// One function served: its environments, and the template's name for it (empty without one).
struct ServedPool {
    EnvironmentPool* pool;
    std::string logical_id;
};

class ServeSession final : public invoke::ControlTarget, public Interrupts::Target {
public:
    // `pools`: at least one, each a function of its own.
    ServeSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock,
                 std::vector<ServedPool> pools, ReportPaths reports);

    void shut_down(invoke::ShutdownOrder order, std::function<void(invoke::ShutdownOutcome)> done) override;
    void shutdown_answered() override;
    std::string report_json() const override;
    std::string health_json() const override;

    // SIGTERM/SIGINT/SIGHUP: the first shuts everything down, the second kills at once. After
    // SIGHUP the exit code is 129.
    bool spinning_down() const override { return finishing_; }
    void spin_down(int signal) override;
    void kill_now() override;
    int exit_code() const;
    // Called once when every environment starts to spin down (a retry still waiting is dropped then).
    void when_spinning_down(std::function<void()> hook) { spinning_down_hooks_.push_back(std::move(hook)); }

private:
    std::vector<const EnvironmentReporter*> reporters() const;
    // The function a control request names (FunctionName or logical ID), or, without a name, the
    // only one served; null otherwise.
    const ServedPool* named(const std::optional<std::string>& function) const;
    std::string served_names() const;
    // Every function stops serving and its environments spin down; `done` once all have.
    void shut_down_everything(core::ShutdownReason reason, std::function<void()> done);
    void finish(); // every environment is down: reports, then exit
    void stop();
    void spinning_down_for_good(); // runs the hooks, once

    std::vector<std::function<void()>> spinning_down_hooks_;

    boost::asio::io_context& io_;
    report::Console& console_;
    core::Clock& clock_;
    std::vector<ServedPool> pools_;
    RunEnd end_;
    bool finishing_ = false;
    bool finished_ = false;
    bool exit_after_answer_ = false;
};

} // namespace lambda_emu
