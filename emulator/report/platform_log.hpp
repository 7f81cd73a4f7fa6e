#pragma once
// The lines Lambda's platform writes into the function's log (Text format, tab-separated,
// docs/lambda-rules.md §3.6): INIT_START, INIT_REPORT, START, END, REPORT.
#include "core/invocation.hpp"

#include <string>

namespace lambda_emu::report {

// `runtime_version`: "provided:al2023", "nodejs:22" (RuntimeRecord::version).
std::string init_start_line(const std::string& runtime_version);
std::string init_report_line(const core::InitReport& report);
std::string start_line(const std::string& request_id, const std::string& version);
std::string end_line(const std::string& request_id);
std::string report_line(const core::InvocationReport& report);

} // namespace lambda_emu::report
