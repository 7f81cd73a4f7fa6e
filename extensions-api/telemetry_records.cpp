#include "telemetry_records.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace lambda_emu::extensions_api::records {

namespace {

Json status_fields(Json record, const char* status, const std::string& error_type)
{
    record["status"] = status;
    if (!error_type.empty()) record["errorType"] = error_type;
    return record;
}

double two_decimals(double value)
{
    return std::round(value * 100.0) / 100.0;
}

} // namespace

std::string iso8601(core::WallTime time)
{
    const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(since_epoch / 1000);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[40];
    const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    std::snprintf(text + length, sizeof text - length, ".%03lldZ", static_cast<long long>(since_epoch % 1000));
    return text;
}

Json event(core::WallTime time, const std::string& type, Json record)
{
    Json envelope;
    envelope["time"] = iso8601(time);
    envelope["type"] = type;
    envelope["record"] = std::move(record);
    return envelope;
}

Json init_start(core::InitPhase phase, const std::string& function_name, const std::string& version)
{
    Json record;
    record["initializationType"] = "on-demand";
    record["phase"] = core::to_string(phase);
    record["runtimeVersion"] = "lambda-emu";
    record["functionName"] = function_name;
    record["functionVersion"] = version;
    return record;
}

Json init_runtime_done(const core::InitReport& report)
{
    Json record;
    record["initializationType"] = "on-demand";
    record["phase"] = core::to_string(report.phase);
    return status_fields(record, core::to_string(report.status), report.error_type);
}

Json init_report(const core::InitReport& report)
{
    Json record = init_runtime_done(report);
    record["metrics"] = {{"durationMs", two_decimals(report.duration_ms)}};
    return record;
}

Json extension(const core::Extension& extension)
{
    Json record;
    record["name"] = extension.name;
    record["state"] = "Ready";
    Json events = Json::array();
    if (extension.wants_invoke) events.push_back("INVOKE");
    if (extension.wants_shutdown) events.push_back("SHUTDOWN");
    record["events"] = events;
    return record;
}

Json start(const core::Invocation& invocation, const std::string& version)
{
    Json record;
    record["requestId"] = invocation.request_id;
    record["version"] = version;
    // A tenant-isolated function's invocation names its tenant.
    if (!invocation.request.tenant_id.empty()) record["tenantId"] = invocation.request.tenant_id;
    if (!invocation.request.trace_id.empty()) {
        record["tracing"] = {{"type", "X-Amzn-Trace-Id"}, {"value", invocation.request.trace_id}};
    }
    return record;
}

Json runtime_done(const core::RuntimeDoneReport& done, const core::Clock& clock)
{
    Json record;
    record["requestId"] = done.request_id;
    record = status_fields(record, core::to_string(done.status), done.error_type);
    record["metrics"] = {{"durationMs", two_decimals(done.duration_ms)}, {"producedBytes", done.produced_bytes}};
    const auto response_at =
        done.delivered_at + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double, std::milli>(done.response_latency_ms));
    record["spans"] = Json::array({
        {{"name", "responseLatency"},
         {"start", iso8601(clock.to_wall(done.delivered_at))},
         {"durationMs", two_decimals(done.response_latency_ms)}},
        {{"name", "responseDuration"}, {"start", iso8601(clock.to_wall(response_at))}, {"durationMs", 0.0}},
    });
    return record;
}

Json report(const core::InvocationReport& report)
{
    Json record;
    record["requestId"] = report.request_id;
    record = status_fields(record, core::to_string(report.status), report.error_type);
    Json metrics;
    metrics["durationMs"] = two_decimals(report.duration_ms);
    metrics["billedDurationMs"] = report.billed_duration_ms;
    metrics["memorySizeMB"] = report.memory_size_mb;
    metrics["maxMemoryUsedMB"] = report.max_memory_used_mb;
    if (report.init_duration_ms) metrics["initDurationMs"] = two_decimals(*report.init_duration_ms);
    record["metrics"] = metrics;
    return record;
}

Json subscription(const std::string& name, bool platform, bool function, bool extension)
{
    Json types = Json::array();
    if (platform) types.push_back("platform");
    if (function) types.push_back("function");
    if (extension) types.push_back("extension");
    return Json{{"name", name}, {"state", "Subscribed"}, {"types", types}};
}

Json logs_dropped(std::size_t dropped_bytes, std::size_t dropped_records)
{
    return Json{{"droppedBytes", dropped_bytes},
                {"droppedRecords", dropped_records},
                {"reason", "Consumer seems to have fallen behind as it has not acknowledged receipt of logs."}};
}

Json end(const std::string& request_id)
{
    return Json{{"requestId", request_id}};
}

} // namespace lambda_emu::extensions_api::records
