#include "serve_session.hpp"
#include "core/json_text.hpp"

#include "report/json_report.hpp"
#include "report/junit.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <memory>

namespace lambda_emu {

ServeSession::ServeSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock,
                           std::vector<ServedPool> pools, ReportPaths reports)
    : io_{io}, console_{console}, clock_{clock}, pools_{std::move(pools)}, end_{console, std::move(reports),
                                                                                pools_.front().pool->seed().exit_policy}
{
}

std::vector<const EnvironmentReporter*> ServeSession::reporters() const
{
    std::vector<const EnvironmentReporter*> reporters;
    for (const auto& served : pools_) {
        for (const auto& environment : served.pool->environments()) reporters.push_back(environment.reporter);
    }
    return reporters;
}

std::string ServeSession::report_json() const
{
    nlohmann::ordered_json report;
    report["schemaVersion"] = report::kReportSchemaVersion;
    report["generator"] = LAMBDA_EMU_VERSION;
    report["exitCode"] = exit_code();
    report["exitReason"] = end_.exit_reason(reporters());
    nlohmann::ordered_json environments = nlohmann::ordered_json::array();
    for (const auto& served : pools_) {
        for (const auto& environment : served.pool->environments()) {
            auto record = environment.reporter->record();
            record.exit_code = end_.environment_exit_code(*environment.reporter);
            record.exit_reason = end_.environment_exit_reason(*environment.reporter);
            nlohmann::ordered_json entry{{"id", environment.id}, {"function", served.pool->function().name}};
            // With tenant isolation the report groups environments by the tenant they served.
            if (!environment.tenant.empty()) entry["tenant"] = environment.tenant;
            entry["report"] = report::json_report(record, clock_);
            environments.push_back(std::move(entry));
        }
    }
    report["environments"] = environments;
    return core::json_text(report, 2) + "\n";
}

std::string ServeSession::health_json() const
{
    nlohmann::ordered_json health;
    health["status"] = finishing_ ? "shutting-down" : "ready";
    std::size_t running = 0;
    std::size_t busy = 0;
    std::size_t queued = 0;
    nlohmann::ordered_json functions = nlohmann::ordered_json::array();
    for (const auto& served : pools_) {
        const auto& pool = *served.pool;
        running += pool.running();
        busy += pool.busy();
        queued += pool.queued();
        nlohmann::ordered_json function;
        function["name"] = pool.function().name;
        if (!served.logical_id.empty()) function["logicalId"] = served.logical_id;
        function["environments"] = pool.running();
        function["busy"] = pool.busy();
        function["queued"] = pool.queued();
        functions.push_back(std::move(function));
    }
    health["environments"] = running;
    health["busy"] = busy;
    health["queued"] = queued;
    health["functions"] = std::move(functions);
    return core::json_text(health);
}

const ServedPool* ServeSession::named(const std::optional<std::string>& function) const
{
    if (!function) return pools_.size() == 1 ? &pools_.front() : nullptr;
    for (const auto& served : pools_) {
        if (served.pool->function().name == *function) return &served;
    }
    for (const auto& served : pools_) {
        if (!served.logical_id.empty() && served.logical_id == *function) return &served;
    }
    return nullptr;
}

std::string ServeSession::served_names() const
{
    std::string names;
    for (const auto& served : pools_) names += (names.empty() ? "" : ", ") + served.pool->function().name;
    return names;
}

void ServeSession::shut_down(invoke::ShutdownOrder order, std::function<void(invoke::ShutdownOutcome)> done)
{
    if (!order.function && !order.environment) {
        finishing_ = true;
        exit_after_answer_ = true;
        console_.lifecycle(std::string{"shutdown requested (reason "} + core::to_string(order.reason) + ")");
        spinning_down_for_good();
        shut_down_everything(order.reason, [this, done = std::move(done)] {
            finish();
            done(report_json());
        });
        return;
    }
    const auto* served = named(order.function);
    if (!served) {
        done(invoke::ShutdownRefused{
            order.function ? "no function " + *order.function + " is served (serving " + served_names() + ")"
                           : "environment=" + std::to_string(*order.environment) +
                                 ": name its function too (function=NAME; serving " + served_names() + ")"});
        return;
    }
    const std::string name = served->pool->function().name;
    const auto environment = order.environment;
    served->pool->shut_down(environment, order.reason, EnvironmentPool::AfterShutdown::KeepServing,
                            [this, name, environment, done = std::move(done)](bool found) {
                                if (found) done(report_json());
                                else
                                    done(invoke::ShutdownRefused{"no environment " + std::to_string(*environment) +
                                                                 " of " + name + " is running"});
                            });
}

void ServeSession::shut_down_everything(core::ShutdownReason reason, std::function<void()> done)
{
    auto remaining = std::make_shared<std::size_t>(pools_.size());
    for (const auto& served : pools_) {
        served.pool->shut_down(std::nullopt, reason, EnvironmentPool::AfterShutdown::StopServing,
                               [remaining, done](bool) {
                                   if (--*remaining == 0) done();
                               });
    }
}

void ServeSession::shutdown_answered()
{
    if (exit_after_answer_ && finished_) stop();
}

void ServeSession::spin_down(int signal)
{
    finishing_ = true;
    // A hangup is no way to end a test run: unlike SIGTERM and SIGINT, it shows in the exit code.
    if (signal == SIGHUP) end_.interrupted_by(signal);
    spinning_down_for_good();
    shut_down_everything(core::ShutdownReason::Spindown, [this] {
        finish();
        stop();
    });
}

void ServeSession::spinning_down_for_good()
{
    auto hooks = std::move(spinning_down_hooks_);
    spinning_down_hooks_.clear();
    for (auto& hook : hooks) hook();
}

void ServeSession::kill_now()
{
    for (const auto& served : pools_) served.pool->kill_now();
}

void ServeSession::finish()
{
    if (finished_) return;
    finished_ = true;
    std::vector<report::NumberedRecord> records;
    for (const auto& served : pools_) {
        for (const auto& environment : served.pool->environments())
            records.push_back({environment.id, &environment.reporter->record()});
    }
    end_.write_reports(report_json(), report::junit_report(records), records, reporters());
}

void ServeSession::stop()
{
    io_.stop();
}

// For serve SIGTERM and SIGINT are the ordinary way to stop: the exit code is the run's.
int ServeSession::exit_code() const
{
    return end_.exit_code(reporters());
}

} // namespace lambda_emu
