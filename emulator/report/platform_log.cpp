#include "platform_log.hpp"

#include <cstdio>

namespace lambda_emu::report {

namespace {

std::string two_decimals(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
}

} // namespace

std::string init_start_line(const std::string& runtime_version)
{
    return "INIT_START Runtime Version: " + runtime_version +
           ".lambda-emu\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:lambda-emu";
}

std::string init_report_line(const core::InitReport& report)
{
    std::string line = "INIT_REPORT Init Duration: " + two_decimals(report.duration_ms) +
                       " ms\tPhase: " + core::to_string(report.phase) + "\tStatus: " + core::to_string(report.status);
    if (report.status == core::InitStatus::Error && !report.error_type.empty())
        line += "\tError Type: " + report.error_type;
    return line;
}

std::string start_line(const std::string& request_id, const std::string& version)
{
    return "START RequestId: " + request_id + " Version: " + version;
}

std::string end_line(const std::string& request_id)
{
    return "END RequestId: " + request_id;
}

std::string report_line(const core::InvocationReport& report)
{
    std::string line = "REPORT RequestId: " + report.request_id + "\tDuration: " + two_decimals(report.duration_ms) +
                       " ms\tBilled Duration: " + std::to_string(report.billed_duration_ms) +
                       " ms\tMemory Size: " + std::to_string(report.memory_size_mb) +
                       " MB\tMax Memory Used: " + std::to_string(report.max_memory_used_mb) + " MB\t";
    if (report.init_duration_ms) line += "Init Duration: " + two_decimals(*report.init_duration_ms) + " ms\t";
    // Since 2024 Lambda says how an invocation that did not succeed ended: a timeout, or an error
    // (the function's, or the runtime's crash) with its type.
    if (report.status == core::InvokeStatus::Timeout) {
        line += "Status: timeout";
    } else if (report.status == core::InvokeStatus::Error || report.status == core::InvokeStatus::Failure) {
        line += "Status: error";
        if (!report.error_type.empty()) line += "\tError Type: " + report.error_type;
    }
    return line;
}

} // namespace lambda_emu::report
