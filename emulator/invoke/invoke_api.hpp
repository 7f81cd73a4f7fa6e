#pragma once
// invoke/: where invocations come from: event files for `run`, the Invoke API and the control endpoint for `serve`.
// This header: AWS Lambda's Invoke API (docs/lambda-rules.md §6.2) on POST /2015-03-31/functions/{name}/invocations:
// what the AWS CLI and SDKs call, and what AWS's runtime interface emulator answers to curl.
#include "http/router.hpp"
#include "invocation_target.hpp"
#include "invoke_request.hpp"
#include "limits.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu::invoke {

// The route, in three steps: validate_invoke_request (invoke_request.hpp), attach the caller to
// a synchronous order, submit it and answer_admission.
void add_invoke_routes(http::Router& router, const FunctionDirectory& functions,
                       std::function<std::string()> new_trace_id);

// What the caller hears once the environments took or refused its order: nothing yet when a
// synchronous order was taken (its answer comes when the invocation is done), 202 for an Event.
std::optional<http::Response> answer_admission(Admission admission, bool asynchronous);

// The answer to a caller whose order was dropped, or refused, because everything shuts down.
http::Response shutting_down();

// X-Amz-Log-Result and InvokeComplete's LogResult: base64 of the log's last 4 KB.
std::string log_result(std::string_view log);

} // namespace lambda_emu::invoke
