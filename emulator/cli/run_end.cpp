#include "run_end.hpp"

#include "exit_codes.hpp"
#include "report/html_report.hpp"
#include "report/markdown_summary.hpp"

#include <cstring>
#include <fstream>

namespace lambda_emu {

namespace {

// Every environment's facts together; each reason is the first environment's that has it.
ExitFacts combined(const std::vector<ExitFacts>& environments)
{
    ExitFacts all;
    const auto add = [](bool& fact, std::string& why, bool more, const std::string& more_why) {
        if (more && !fact) why = more_why;
        fact |= more;
    };
    for (const auto& facts : environments) {
        add(all.function_error, all.function_error_why, facts.function_error, facts.function_error_why);
        add(all.timeout_or_crash, all.timeout_or_crash_why, facts.timeout_or_crash, facts.timeout_or_crash_why);
        add(all.init_failure, all.init_failure_why, facts.init_failure, facts.init_failure_why);
        add(all.unclean_shutdown, all.unclean_shutdown_why, facts.unclean_shutdown, facts.unclean_shutdown_why);
        add(all.unclean_shutdown_not_idle, all.unclean_shutdown_not_idle_why, facts.unclean_shutdown_not_idle,
            facts.unclean_shutdown_not_idle_why);
    }
    return all;
}

} // namespace

int run_exit_code(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                  report::KillAllowance allow_kill)
{
    const ExitFacts all = combined(environments);
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

std::string run_exit_line(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                          report::KillAllowance allow_kill)
{
    return "exit code " + std::to_string(run_exit_code(environments, interrupted_by, report_failed, allow_kill)) +
           ": " + run_exit_reason(environments, interrupted_by, report_failed, allow_kill);
}

std::string run_exit_reason(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                            report::KillAllowance allow_kill)
{
    const int code = run_exit_code(environments, interrupted_by, report_failed, allow_kill);
    const ExitFacts all = combined(environments);
    std::string why;
    switch (code) {
    case exit_codes::kSuccess:
        why = all.unclean_shutdown
                  ? "every invocation succeeded; " + all.unclean_shutdown_why + ", which --allow-kill lets pass"
                  : "every invocation succeeded and every process shut down on its own";
        break;
    case exit_codes::kFunctionError: why = all.function_error_why; break;
    case exit_codes::kInitFailure: why = all.init_failure_why; break;
    case exit_codes::kTimeoutOrCrash: why = all.timeout_or_crash_why; break;
    case exit_codes::kUncleanShutdown:
        if (allow_kill == report::KillAllowance::Idle) {
            why = all.unclean_shutdown_not_idle_why + " (--allow-kill=idle lets only kills of idle processes pass)";
        } else {
            why = all.unclean_shutdown_why;
            why += all.unclean_shutdown_not_idle ? " (see the note above; --allow-kill lets it pass)"
                                                 : " (see the note above; --allow-kill=idle lets that pass)";
        }
        break;
    case exit_codes::kEmulatorError: why = "a report could not be written (see above)"; break;
    default:
        why = "interrupted by " + std::string{sigabbrev_np(interrupted_by) ? "SIG" : ""} +
              (sigabbrev_np(interrupted_by) ? sigabbrev_np(interrupted_by) : std::to_string(interrupted_by));
    }
    return why;
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

std::string RunEnd::exit_reason(const std::vector<const EnvironmentReporter*>& environments) const
{
    std::vector<ExitFacts> facts;
    for (const auto* environment : environments) facts.push_back(environment->facts());
    return run_exit_reason(facts, interrupted_by_, report_write_failed_, allow_kill_);
}

std::string RunEnd::environment_exit_reason(const EnvironmentReporter& environment) const
{
    return run_exit_reason({environment.facts()}, 0, false, allow_kill_);
}

void RunEnd::write_reports(const std::string& json, const std::string& junit,
                           const std::vector<report::NumberedRecord>& records,
                           const std::vector<const EnvironmentReporter*>& environments)
{
    report_write_failed_ |= !write_file(paths_.json_report, json, "JSON report");
    report_write_failed_ |= !write_file(paths_.junit, junit, "JUnit report");
    if (!paths_.html.empty()) {
        report_write_failed_ |=
            !write_file(paths_.html, report::html_report(nlohmann::ordered_json::parse(json)), "HTML report");
    }
    std::vector<ExitFacts> facts;
    for (const auto* environment : environments) facts.push_back(environment->facts());
    if (!paths_.summary.empty()) {
        const auto summary =
            report::markdown_summary(records, run_exit_code(facts, interrupted_by_, report_write_failed_, allow_kill_),
                                     run_exit_reason(facts, interrupted_by_, report_write_failed_, allow_kill_));
        report_write_failed_ |= !write_file(paths_.summary, summary, "Markdown summary");
    }
    console_.lifecycle(run_exit_line(facts, interrupted_by_, report_write_failed_, allow_kill_));
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
