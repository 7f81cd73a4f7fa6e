#include "serve_session.hpp"
#include "core/json_text.hpp"

#include "report/json_report.hpp"
#include "report/junit.hpp"

#include <nlohmann/json.hpp>

#include <csignal>

namespace lambda_emu {

ServeSession::ServeSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock,
                           EnvironmentPool& pool, ReportPaths reports)
    : io_{io}, console_{console}, clock_{clock}, pool_{pool}, end_{console, std::move(reports), pool.seed().allow_kill}
{
}

std::vector<const EnvironmentReporter*> ServeSession::reporters() const
{
    std::vector<const EnvironmentReporter*> reporters;
    for (const auto& environment : pool_.environments()) reporters.push_back(environment.reporter);
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
    for (const auto& environment : pool_.environments()) {
        auto record = environment.reporter->record();
        record.exit_code = end_.environment_exit_code(*environment.reporter);
        record.exit_reason = end_.environment_exit_reason(*environment.reporter);
        environments.push_back({{"id", environment.id}, {"report", report::json_report(record, clock_)}});
    }
    report["environments"] = environments;
    return core::json_text(report, 2) + "\n";
}

std::string ServeSession::health_json() const
{
    nlohmann::ordered_json health;
    health["status"] = finishing_ ? "shutting-down" : "ready";
    health["environments"] = pool_.running();
    health["busy"] = pool_.busy();
    health["queued"] = pool_.queued();
    return core::json_text(health);
}

void ServeSession::shut_down(std::optional<int> environment, core::ShutdownReason reason,
                             std::function<void(std::optional<std::string>)> done)
{
    if (!environment) {
        finishing_ = true;
        exit_after_answer_ = true;
        console_.lifecycle(std::string{"shutdown requested (reason "} + core::to_string(reason) + ")");
    }
    pool_.shut_down(environment, reason, [this, environment, done = std::move(done)](bool found) {
        if (!found) {
            done(std::nullopt);
            return;
        }
        if (!environment) finish();
        done(report_json());
    });
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
    pool_.shut_down(std::nullopt, core::ShutdownReason::Spindown, [this](bool) {
        finish();
        stop();
    });
}

void ServeSession::kill_now()
{
    pool_.kill_now();
}

void ServeSession::finish()
{
    if (finished_) return;
    finished_ = true;
    std::vector<report::NumberedRecord> records;
    for (const auto& environment : pool_.environments())
        records.push_back({environment.id, &environment.reporter->record()});
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
