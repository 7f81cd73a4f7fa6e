#include "serve_session.hpp"
#include "core/json_text.hpp"

#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "interrupts.hpp"
#include "report_files.hpp"

#include <nlohmann/json.hpp>

#include <csignal>

namespace lambda_emu {

ServeSession::ServeSession(boost::asio::io_context& io, report::Console& console, core::Clock& clock,
                           EnvironmentPool& pool, Outputs outputs)
    : io_{io}, console_{console}, clock_{clock}, pool_{pool}, outputs_{std::move(outputs)}
{
}

std::string ServeSession::report_json() const
{
    nlohmann::ordered_json report;
    report["schemaVersion"] = report::kReportSchemaVersion;
    report["generator"] = "lambda-emu 0.1.0";
    report["exitCode"] = exit_code();
    nlohmann::ordered_json environments = nlohmann::ordered_json::array();
    for (const auto& environment : pool_.environments()) {
        auto record = environment.reporter->record();
        record.exit_code = lambda_emu::exit_code({environment.reporter}, 0, false, outputs_.allow_kill);
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

void ServeSession::interrupt(int signal)
{
    if (!finishing_) {
        finishing_ = true;
        // A hangup is no way to end a test run: unlike SIGTERM and SIGINT, it shows in the exit code.
        if (signal == SIGHUP) hung_up_ = true;
        console_.lifecycle(std::string{"interrupted by "} + Interrupts::name(signal) +
                           ": shutting every environment down (again to kill at once)");
        pool_.shut_down(std::nullopt, core::ShutdownReason::Spindown, [this](bool) {
            finish();
            stop();
        });
        return;
    }
    console_.lifecycle("interrupted again: killing every process now");
    pool_.kill_now();
}

void ServeSession::finish()
{
    if (finished_) return;
    finished_ = true;
    std::vector<const report::RunRecord*> records;
    for (const auto& environment : pool_.environments()) records.push_back(&environment.reporter->record());
    report_write_failed_ |= !write_report_file(console_, outputs_.json_report_path, report_json(), "JSON report");
    report_write_failed_ |= !write_report_file(console_, outputs_.junit_path, report::junit_report(records), "JUnit report");
    console_.lifecycle("exit code " + std::to_string(exit_code()));
}

void ServeSession::stop() { io_.stop(); }

int ServeSession::exit_code() const
{
    std::vector<const EnvironmentReporter*> reporters;
    for (const auto& environment : pool_.environments()) reporters.push_back(environment.reporter);
    // For serve SIGTERM and SIGINT are the ordinary way to stop: the exit code is the run's.
    return lambda_emu::exit_code(reporters, hung_up_ ? SIGHUP : 0, report_write_failed_, outputs_.allow_kill);
}

} // namespace lambda_emu
