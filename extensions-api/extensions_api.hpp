#pragma once
// Extensions API 2020-01-01 (docs/lambda-rules.md §2): register, event/next, init/error, exit/error, mapped
// onto one environment's core. RAPID answers every client error with 403. And the Telemetry and
// Logs APIs' subscriptions, whose deliveries the TelemetryHub makes.
#include "core/environment.hpp"
#include "http/listener_ports.hpp"
#include "http/router.hpp"

namespace lambda_emu::extensions_api {

class TelemetryHub;

void add_routes(http::Router& router, core::Environment& environment);
// Telemetry API 2022-07-01 and Logs API 2020-08-15 subscriptions; `own` are the emulator's own
// listening ports, which no subscription may name.
void add_telemetry_routes(http::Router& router, core::Environment& environment, TelemetryHub& hub,
                          const http::ListenerPorts& own);

} // namespace lambda_emu::extensions_api
