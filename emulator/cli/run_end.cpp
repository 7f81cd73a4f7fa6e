#include "run_end.hpp"

#include "exit_codes.hpp"
#include "report/html_report.hpp"

#include <fstream>

namespace lambda_emu {

int run_exit_code(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                  report::KillAllowance allow_kill)
{
    ExitFacts all;
    for (const auto& facts : environments) {
        all.function_error |= facts.function_error;
        all.timeout_or_crash |= facts.timeout_or_crash;
        all.init_failure |= facts.init_failure;
        all.unclean_shutdown |= facts.unclean_shutdown;
        all.unclean_shutdown_not_idle |= facts.unclean_shutdown_not_idle;
    }
    if (interrupted_by != 0) return 128 + interrupted_by;
    if (report_failed) return exit_codes::kEmulatorError;
    if (all.init_failure) return exit_codes::kInitFailure;
    if (all.timeout_or_crash) return exit_codes::kTimeoutOrCrash;
    const bool unclean = allow_kill == report::KillAllowance::None   ? all.unclean_shutdown
                         : allow_kill == report::KillAllowance::Idle ? all.unclean_shutdown_not_idle
                                                                     : false;
    if (unclean) return exit_codes::kUncleanShutdown;
    if (all.function_error) return exit_codes::kFunctionError;
    return exit_codes::kSuccess;
}

RunEnd::RunEnd(report::Console& console, ReportPaths paths, report::KillAllowance allow_kill)
    : console_{console}, paths_{std::move(paths)}, allow_kill_{allow_kill}
{
}

void RunEnd::interrupted_by(int signal)
{
    if (interrupted_by_ == 0) interrupted_by_ = signal;
}

int RunEnd::exit_code(const std::vector<const EnvironmentReporter*>& environments) const
{
    std::vector<ExitFacts> facts;
    for (const auto* environment : environments) facts.push_back(environment->facts());
    return run_exit_code(facts, interrupted_by_, report_write_failed_, allow_kill_);
}

int RunEnd::environment_exit_code(const EnvironmentReporter& environment) const
{
    return run_exit_code({environment.facts()}, 0, false, allow_kill_);
}

void RunEnd::write_reports(const std::string& json, const std::string& junit,
                           const std::vector<const EnvironmentReporter*>& environments)
{
    report_write_failed_ |= !write_file(paths_.json_report, json, "JSON report");
    report_write_failed_ |= !write_file(paths_.junit, junit, "JUnit report");
    if (!paths_.html.empty()) {
        report_write_failed_ |=
            !write_file(paths_.html, report::html_report(nlohmann::ordered_json::parse(json)), "HTML report");
    }
    console_.lifecycle("exit code " + std::to_string(exit_code(environments)));
}

bool write_report_file(report::Console& console, const std::string& path, const std::string& content, const char* what)
{
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << content;
    out.close();
    if (!out) {
        console.lifecycle(std::string{"error: cannot write the "} + what + " to " + path);
        return false;
    }
    console.lifecycle(std::string{what} + " written to " + path);
    return true;
}

bool RunEnd::write_file(const std::string& path, const std::string& content, const char* what)
{
    return path.empty() || write_report_file(console_, path, content, what);
}

} // namespace lambda_emu
