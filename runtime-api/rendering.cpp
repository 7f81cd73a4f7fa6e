#include "rendering.hpp"

#include "core/runtime_calls.hpp"

namespace lambda_emu::runtime_api {

http::Response render_invocation(const core::Invocation& invocation)
{
    const auto& request = invocation.request;
    // The official C++-based clients crash on a /next without Content-Type: always send one.
    auto response = http::make_response(http::Status::ok, request.payload,
                                        request.content_type.empty() ? "application/json" : request.content_type);
    response.set("Lambda-Runtime-Aws-Request-Id", invocation.request_id);
    response.set("Lambda-Runtime-Deadline-Ms", std::to_string(invocation.deadline_epoch_ms));
    response.set("Lambda-Runtime-Invoked-Function-Arn", invocation.invoked_function_arn);
    // RAPID sets the optional headers only when they have a value.
    if (!request.trace_id.empty()) response.set("Lambda-Runtime-Trace-Id", request.trace_id);
    if (!request.client_context.empty()) response.set("Lambda-Runtime-Client-Context", request.client_context);
    if (!request.cognito_identity.empty()) response.set("Lambda-Runtime-Cognito-Identity", request.cognito_identity);
    if (!request.tenant_id.empty()) response.set("Lambda-Runtime-Aws-Tenant-Id", request.tenant_id);
    return response;
}

http::Response render_accepted()
{
    return http::json_response(http::Status::accepted, R"({"status":"OK"})");
}

http::Response render_refusal(const core::RuntimeCallError& error)
{
    using Kind = core::RuntimeCallErrorKind;
    switch (error.kind) {
    case Kind::InvalidRequestId:
        return http::json_response(http::Status::bad_request, core::error_json("InvalidRequestID", error.message));
    case Kind::InvalidStateTransition:
        return http::json_response(http::Status::forbidden, core::error_json("InvalidStateTransition", error.message));
    case Kind::PayloadTooLarge:
        return http::json_response(http::Status::payload_too_large,
                                   core::error_json("RequestEntityTooLarge", error.message));
    case Kind::InvalidResponseMode:
        return http::json_response(http::Status::bad_request,
                                   core::error_json("InvalidFunctionResponseMode", error.message));
    case Kind::InvokeTimedOut:
        return http::json_response(http::Status::gone, core::error_json("InvokeTimeout", error.message));
    case Kind::TruncatedRequest:
        return http::json_response(http::Status::bad_request, core::error_json("TruncatedHTTPRequest", error.message));
    }
    return http::json_response(http::Status::internal_server_error,
                               core::error_json("InternalServerError", "Internal Server Error"));
}

} // namespace lambda_emu::runtime_api
