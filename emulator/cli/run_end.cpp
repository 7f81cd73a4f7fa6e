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
        add(all.shutdown_crash, all.shutdown_crash_why, facts.shutdown_crash, facts.shutdown_crash_why);
        if (facts.not_signalled && !all.not_signalled) all.not_signalled_cause = facts.not_signalled_cause;
        add(all.not_signalled, all.not_signalled_why, facts.not_signalled, facts.not_signalled_why);
    }
    return all;
}

// Killed or crashed processes that fail the run: those --allow-kill does not let pass, and
// crashes under --fail-on crashed.
bool unclean(const ExitFacts& all, const report::ExitPolicy& policy)
{
    switch (policy.allow_kill) {
    case report::KillAllowance::None: return all.unclean_shutdown;
    case report::KillAllowance::Idle: return all.unclean_shutdown_not_idle;
    case report::KillAllowance::Any: return policy.fail_on_crashed && all.shutdown_crash;
    }
    return all.unclean_shutdown;
}

} // namespace

int run_exit_code(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                  const report::ExitPolicy& policy)
{
    const ExitFacts all = combined(environments);
    if (interrupted_by != 0) return 128 + interrupted_by;
    if (report_failed) return exit_codes::kEmulatorError;
    if (all.init_failure) return exit_codes::kInitFailure;
    if (all.timeout_or_crash) return exit_codes::kTimeoutOrCrash;
    if (unclean(all, policy)) return exit_codes::kUncleanShutdown;
    if (policy.fail_on_not_signalled && all.not_signalled) return exit_codes::kNotSignalled;
    if (all.function_error) return exit_codes::kFunctionError;
    return exit_codes::kSuccess;
}

std::string run_exit_line(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                          const report::ExitPolicy& policy)
{
    return "exit code " + std::to_string(run_exit_code(environments, interrupted_by, report_failed, policy)) + ": " +
           run_exit_reason(environments, interrupted_by, report_failed, policy);
}

std::string run_exit_reason(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                            const report::ExitPolicy& policy)
{
    const int code = run_exit_code(environments, interrupted_by, report_failed, policy);
    const ExitFacts all = combined(environments);
    std::string why;
    switch (code) {
    case exit_codes::kSuccess:
        if (all.unclean_shutdown)
            why = "every invocation succeeded; " + all.unclean_shutdown_why + ", which --allow-kill lets pass";
        else if (all.not_signalled)
            why = "every invocation succeeded; " + all.not_signalled_why + " (" + all.not_signalled_cause +
                  "; --fail-on not-signalled fails the run on that)";
        else why = "every invocation succeeded and every process shut down on its own";
        break;
    case exit_codes::kFunctionError: why = all.function_error_why; break;
    case exit_codes::kInitFailure: why = all.init_failure_why; break;
    case exit_codes::kTimeoutOrCrash: why = all.timeout_or_crash_why; break;
    case exit_codes::kUncleanShutdown:
        if (policy.allow_kill == report::KillAllowance::Any) {
            why = all.shutdown_crash_why + " (--fail-on crashed: --allow-kill lets only kills pass)";
        } else if (policy.allow_kill == report::KillAllowance::Idle) {
            why = all.unclean_shutdown_not_idle_why + " (--allow-kill=idle lets only kills of idle processes pass)";
        } else {
            why = all.unclean_shutdown_why;
            why += all.unclean_shutdown_not_idle ? " (see the note above; --allow-kill lets it pass)"
                                                 : " (see the note above; --allow-kill=idle lets that pass)";
        }
        break;
    case exit_codes::kNotSignalled:
        why = all.not_signalled_why + " (" + all.not_signalled_cause + "; --fail-on not-signalled)";
        break;
    case exit_codes::kEmulatorError: why = "a report could not be written (see above)"; break;
    default:
        why = "interrupted by " + std::string{sigabbrev_np(interrupted_by) ? "SIG" : ""} +
              (sigabbrev_np(interrupted_by) ? sigabbrev_np(interrupted_by) : std::to_string(interrupted_by));
    }
    return why;
}

RunEnd::RunEnd(report::Console& console, ReportPaths paths, report::ExitPolicy policy)
    : console_{console}, paths_{std::move(paths)}, policy_{policy}
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
    return run_exit_code(facts, interrupted_by_, report_write_failed_, policy_);
}

int RunEnd::environment_exit_code(const EnvironmentReporter& environment) const
{
    return run_exit_code({environment.facts()}, 0, false, policy_);
}

std::string RunEnd::exit_reason(const std::vector<const EnvironmentReporter*>& environments) const
{
    std::vector<ExitFacts> facts;
    for (const auto* environment : environments) facts.push_back(environment->facts());
    return run_exit_reason(facts, interrupted_by_, report_write_failed_, policy_);
}

std::string RunEnd::environment_exit_reason(const EnvironmentReporter& environment) const
{
    return run_exit_reason({environment.facts()}, 0, false, policy_);
}

void RunEnd::write_reports(const std::string& json, const std::string& junit,
                           const std::vector<report::NumberedRecord>& records,
                           const std::vector<const EnvironmentReporter*>& environments)
{
    report_write_failed_ |= !write_file(paths_.json_report, json, "JSON report");
    report_write_failed_ |= !write_file(paths_.junit, junit, "JUnit report");
    if (!paths_.html.empty()) {
        report_write_failed_ |= !write_file(paths_.html, report::html_report(json), "HTML report");
    }
    std::vector<ExitFacts> facts;
    for (const auto* environment : environments) facts.push_back(environment->facts());
    if (!paths_.summary.empty()) {
        const auto summary =
            report::markdown_summary(records, run_exit_code(facts, interrupted_by_, report_write_failed_, policy_),
                                     run_exit_reason(facts, interrupted_by_, report_write_failed_, policy_));
        report_write_failed_ |= !write_file(paths_.summary, summary, "Markdown summary");
    }
    console_.lifecycle(run_exit_line(facts, interrupted_by_, report_write_failed_, policy_));
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
