#pragma once
// Extensions API 2020-01-01 (LAMBDA-SPEC 2): register, event/next, init/error, exit/error, mapped
// onto one environment's core. RAPID answers every client error with 403.
#include "core/environment.hpp"
#include "http/router.hpp"

namespace lambda_emu::extensions_api {

void add_routes(http::Router& router, core::Environment& environment);

} // namespace lambda_emu::extensions_api
