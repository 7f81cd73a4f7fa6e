#include "rendering.hpp"
#include "core/json_text.hpp"

#include "core/runtime_calls.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::extensions_api {

http::Response render_registration(const core::Registration& registration, bool with_account_id)
{
    nlohmann::ordered_json body;
    body["functionName"] = registration.function_name;
    body["functionVersion"] = registration.function_version;
    body["handler"] = registration.handler;
    if (with_account_id) body["accountId"] = registration.account_id;
    auto response = http::json_response(http::Status::ok, core::json_text(body));
    response.set("Lambda-Extension-Identifier", registration.extension_id);
    return response;
}

std::string event_json(const core::ExtensionEvent& event)
{
    nlohmann::ordered_json body;
    if (event.type == core::ExtensionEvent::Type::Invoke) {
        body["eventType"] = "INVOKE";
        body["deadlineMs"] = event.deadline_ms;
        body["requestId"] = event.request_id;
        body["invokedFunctionArn"] = event.invoked_function_arn;
        // RAPID omits tracing when there is no trace id.
        if (!event.trace_id.empty()) body["tracing"] = {{"type", "X-Amzn-Trace-Id"}, {"value", event.trace_id}};
    } else {
        body["eventType"] = "SHUTDOWN";
        body["deadlineMs"] = event.deadline_ms;
        body["shutdownReason"] = event.shutdown_reason;
    }
    return core::json_text(body);
}

http::Response render_event(const core::ExtensionEvent& event)
{
    auto response = http::json_response(http::Status::ok, event_json(event));
    if (event.type == core::ExtensionEvent::Type::Invoke)
        response.set("Lambda-Extension-Event-Identifier", event.event_id);
    return response;
}

http::Response render_refusal(const char* error_type, const std::string& message)
{
    return http::json_response(http::Status::forbidden, core::error_json(error_type, message));
}

http::Response render_refusal(const core::ExtensionCallError& error)
{
    using Kind = core::ExtensionCallErrorKind;
    switch (error.kind) {
    case Kind::InvalidExtensionName: return render_refusal("Extension.InvalidExtensionName", error.message);
    case Kind::InvalidRequestFormat: return render_refusal("InvalidRequestFormat", error.message);
    case Kind::InvalidEventType: return render_refusal("Extension.InvalidEventType", error.message);
    case Kind::InvalidExtensionState: return render_refusal("Extension.InvalidExtensionState", error.message);
    case Kind::RegistrationClosed: return render_refusal("Extension.RegistrationClosed", error.message);
    case Kind::TooManyExtensions: return render_refusal("Extension.TooManyExtensions", error.message);
    case Kind::UnknownExtensionIdentifier: return render_refusal("Extension.UnknownExtensionIdentifier", error.message);
    }
    return http::json_response(http::Status::internal_server_error,
                               core::error_json("InternalServerError", "Internal Server Error"));
}

} // namespace lambda_emu::extensions_api
