#pragma once
// Runtime API 2018-06-01 (docs/lambda-rules.md §1): the routes a runtime calls, mapped onto one
// environment's core. Paths, headers, status codes and error bodies are Lambda's.
#include "core/environment.hpp"
#include "http/router.hpp"

namespace lambda_emu::runtime_api {

void add_routes(http::Router& router, core::Environment& environment);

} // namespace lambda_emu::runtime_api
