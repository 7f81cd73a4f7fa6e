#pragma once
// Core values -> HTTP responses of the Runtime API.
#include "core/api_errors.hpp"
#include "core/invocation.hpp"
#include "http/message.hpp"

namespace lambda_emu::runtime_api {

// 200 with the payload and every Lambda-Runtime-* header that has a value.
http::Response render_invocation(const core::Invocation& invocation);
// 202 {"status":"OK"}
http::Response render_accepted();
// The status and `{"errorMessage","errorType"}` body of a refused call (docs/lambda-rules.md §1.3, 1.8).
http::Response render_refusal(const core::RuntimeCallError& error);

} // namespace lambda_emu::runtime_api
