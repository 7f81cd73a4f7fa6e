#pragma once
// How a run ends, the same for `run` and `serve`: the reports written where --report, --junit,
// --html and --summary say (one that cannot be written is said on the console and makes the exit
// code 6), and the exit code made of every environment's facts, the signal that stopped the run,
// --allow-kill and --fail-on.
#include "function_options.hpp"
#include "host/environment_reporter.hpp"
#include "report/console.hpp"
#include "report/test_cases.hpp"

#include <string>
#include <vector>

namespace lambda_emu {

// The exit code by the contract of exit_codes.hpp: `environments`' facts combined, the signal
// that stopped the run (0: none that shows in the exit code), whether a report could not be
// written, and which verdicts of the final Shutdown phase fail the run (--allow-kill, --fail-on).
int run_exit_code(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                  const report::ExitPolicy& policy);

// The run's last line: its exit code and why, from the first fact that decided it ("exit code 5:
// runtime killed at its 300 ms deadline while idle (see the note above; --allow-kill=idle lets
// that pass)").
std::string run_exit_line(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                          const report::ExitPolicy& policy);
// The same without "exit code N: ", for the JSON report's exitReason.
std::string run_exit_reason(const std::vector<ExitFacts>& environments, int interrupted_by, bool report_failed,
                            const report::ExitPolicy& policy);

// Writes one report file and says so on the console (or says why it could not).
bool write_report_file(report::Console& console, const std::string& path, const std::string& content, const char* what);

class RunEnd {
public:
    RunEnd(report::Console& console, ReportPaths paths, report::ExitPolicy policy);

    // The run was stopped by this signal: the exit code is 128 + its number. The first one counts.
    void interrupted_by(int signal);
    int interrupted_by() const { return interrupted_by_; }

    int exit_code(const std::vector<const EnvironmentReporter*>& environments) const;
    // One environment's exit code as if it had run alone, unstopped: serve's report per environment.
    int environment_exit_code(const EnvironmentReporter& environment) const;
    std::string exit_reason(const std::vector<const EnvironmentReporter*>& environments) const;
    std::string environment_exit_reason(const EnvironmentReporter& environment) const;

    // Writes the reports (empty paths are skipped), then says the run's exit code. The Markdown
    // summary is made of `records` last, so that its exit code counts a report not written.
    void write_reports(const std::string& json, const std::string& junit,
                       const std::vector<report::NumberedRecord>& records,
                       const std::vector<const EnvironmentReporter*>& environments);

private:
    // False when the file could not be written.
    bool write_file(const std::string& path, const std::string& content, const char* what);

    report::Console& console_;
    ReportPaths paths_;
    report::ExitPolicy policy_;
    int interrupted_by_ = 0;
    bool report_write_failed_ = false;
};

} // namespace lambda_emu
