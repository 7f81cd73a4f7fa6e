#pragma once
// The report as one self-contained HTML page for people and CI artifacts: inline CSS and SVG, no
// script, nothing fetched. Per environment, its whole life on a time axis with one row per
// process (Init, each invocation, resets, Shutdown phases with their SIGTERM, SHUTDOWN, SIGKILL,
// exit and deadline marks), each Shutdown phase again drawn to its own scale with its cleanup
// table, each process's evidence and last lines of output under its row, the diagnostics (a
// failed Init's error type and message first), and the invocations table. Rendered from the run
// records (RunRecord), as read back from the JSON report: the run renders the records of the
// report it wrote, `lambda-emu report --html` those of a saved one, so both pages are the same.
#include "report_reader.hpp"

#include <string>

namespace lambda_emu::report {

// The page of a read report: one run's, or serve's with an environment per section.
std::string html_report(const ReadReport& report);

// The page of the JSON report the run just wrote (its text), through the records read back from
// it: at the report's resolution, as `lambda-emu report saved.json --html` renders it.
std::string html_report(const std::string& json_report_text);

} // namespace lambda_emu::report
