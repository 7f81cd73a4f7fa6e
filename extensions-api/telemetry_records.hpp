#pragma once
// Telemetry API and Logs API events, field by field as docs/lambda-rules.md §3.4-3.5 lists them:
// {"time": ISO 8601 with ms, "type": ..., "record": ...}.
#include "core/clock.hpp"
#include "core/extension.hpp"
#include "core/invocation.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace lambda_emu::extensions_api::records {

using Json = nlohmann::ordered_json;

std::string iso8601(core::WallTime time);
Json event(core::WallTime time, const std::string& type, Json record);

Json init_start(core::InitPhase phase, const std::string& function_name, const std::string& version);
Json init_runtime_done(const core::InitReport& report);
Json init_report(const core::InitReport& report);
Json extension(const core::Extension& extension);
Json start(const core::Invocation& invocation, const std::string& version);
Json runtime_done(const core::RuntimeDoneReport& done, const core::Clock& clock);
Json report(const core::InvocationReport& report);
Json subscription(const std::string& name, bool platform, bool function, bool extension);
Json logs_dropped(std::size_t dropped_bytes, std::size_t dropped_records);
// The Logs API's own: platform.end {requestId} and platform.fault (a text line).
Json end(const std::string& request_id);

} // namespace lambda_emu::extensions_api::records
