#pragma once
// The control endpoint of `serve`, for CI: health, the report so far, and shutdown on demand.
//   GET  /lambda-emu/health
//   GET  /lambda-emu/report
//   POST /lambda-emu/shutdown[?reason=spindown|timeout|failure][&environment=N]
#include "http/router.hpp"
#include "invocation_target.hpp"

namespace lambda_emu::invoke {

void add_control_routes(http::Router& router, ControlTarget& target);

} // namespace lambda_emu::invoke
