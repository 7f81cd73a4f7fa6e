#pragma once
// The control endpoint of `serve`, for CI: health, the report so far, and shutdown on demand.
//   GET  /lambda-emu/health
//   GET  /lambda-emu/report
//   POST /lambda-emu/shutdown[?reason=spindown|timeout|failure][&function=NAME][&environment=N]
// Without `function` and `environment` everything shuts down and serve exits; with them, those
// environments do, and the function goes on serving (its next invocation is a cold start).
#include "http/router.hpp"
#include "invocation_target.hpp"

namespace lambda_emu::invoke {

void add_control_routes(http::Router& router, ControlTarget& target);

} // namespace lambda_emu::invoke
