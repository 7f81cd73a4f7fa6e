#include "invoke_api.hpp"

#include "aws_errors.hpp"
#include "http/base64.hpp"
#include "http/percent.hpp"
#include "json_check.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <vector>

namespace lambda_emu::invoke {

namespace {

// X-Amz-Log-Result carries the last 4 KB of the invocation's log.
constexpr std::size_t kLogTailBytes = 4096;

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::size_t begin = 0;
    for (;;) {
        const auto end = text.find(separator, begin);
        parts.push_back(text.substr(begin, end - begin));
        if (end == std::string::npos) return parts;
        begin = end + 1;
    }
}

// An escape as the message shows it: printable ASCII as is, any other byte as \xNN, so a hostile
// escape ("%\xff") cannot make the error itself unprintable.
std::string shown_escape(std::string_view escape)
{
    std::string shown;
    for (const char c : escape) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            shown.push_back(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            shown += hex;
        }
    }
    return shown;
}

http::Response render_result(const core::InvokeResult& result, const std::string& log, bool with_log)
{
    auto response = http::make_response(http::Status::ok, result.payload, result.content_type);
    response.set("X-Amz-Executed-Version", "$LATEST");
    // "The status code in the API response doesn't reflect function errors" (INVOKE-DOC).
    if (result.is_function_error()) response.set("X-Amz-Function-Error", "Unhandled");
    if (with_log) {
        const std::string_view tail = std::string_view{log}.substr(log.size() > kLogTailBytes ? log.size() - kLogTailBytes : 0);
        response.set("X-Amz-Log-Result", http::base64_encode(tail));
    }
    return response;
}

// A streamed answer's outcome comes after its body, in trailers (declared in the head).
constexpr const char* kStreamTrailers = "X-Amz-Function-Error, X-Amz-Function-Error-Type, X-Amz-Function-Error-Body";

void finish_stream(http::ResponseStream& stream, const core::InvokeResult& result)
{
    std::vector<std::pair<std::string, std::string>> trailers;
    if (result.is_function_error()) {
        trailers.emplace_back("X-Amz-Function-Error", "Unhandled");
        trailers.emplace_back("X-Amz-Function-Error-Type", result.error_type);
        trailers.emplace_back("X-Amz-Function-Error-Body", http::base64_encode(result.payload ? *result.payload : std::string{}));
    }
    stream.finish(trailers);
}

http::Response shutting_down()
{
    return aws_error(http::Status::service_unavailable, "ServiceException",
                     "lambda-emu is shutting down and accepts no more invocations");
}

} // namespace

AddressedFunction address_function(const core::FunctionConfig& function, const std::string& raw_name,
                                   const std::string& raw_qualifier)
{
    AddressedFunction addressed;
    const auto decoded_name = http::percent_decode(raw_name);
    const auto decoded_qualifier = http::percent_decode(raw_qualifier);
    if (!decoded_name || !decoded_qualifier) {
        addressed.undecodable = decoded_name ? "Qualifier" : "functionName";
        addressed.bad_escape = shown_escape(http::first_bad_escape(decoded_name ? raw_qualifier : raw_name));
        return addressed;
    }
    // name | name:qualifier | account:function:name[:qualifier] | arn:aws:lambda:region:account:function:name[:qualifier]
    const std::string& name = *decoded_name;
    const auto parts = split(name, ':');
    std::string function_name;
    std::string qualifier = *decoded_qualifier;
    bool addressed_by_arn = false;
    bool well_formed = true;
    if (parts.size() >= 7 && parts[0] == "arn" && parts[5] == "function") {
        well_formed = parts.size() <= 8 && parts[3] == function.region && parts[4] == function.account_id;
        function_name = parts[6];
        if (parts.size() == 8) qualifier = parts[7];
        addressed_by_arn = true;
    } else if (parts.size() >= 3 && parts[1] == "function") {
        well_formed = parts.size() <= 4 && parts[0] == function.account_id;
        function_name = parts[2];
        if (parts.size() == 4) qualifier = parts[3];
        addressed_by_arn = true;
    } else {
        well_formed = parts.size() <= 2;
        function_name = parts[0];
        if (parts.size() == 2) qualifier = parts[1];
    }
    const std::string shown_name = function_name.empty() ? name : function_name;
    addressed.missing_arn = "arn:aws:lambda:" + function.region + ":" + function.account_id + ":function:" + shown_name +
                            ":" + (qualifier.empty() ? "$LATEST" : qualifier);
    // `function` is the name AWS's runtime interface emulator serves, so its users' URLs keep working.
    const bool same_function = function_name == function.name || (!addressed_by_arn && function_name == "function");
    addressed.found = well_formed && same_function && (qualifier.empty() || qualifier == "$LATEST");
    addressed.invoked_arn = function.arn() + (qualifier.empty() ? "" : ":" + qualifier);
    return addressed;
}

void add_invoke_routes(http::Router& router, InvocationTarget& target, std::function<std::string()> new_trace_id)
{
    router.add(
        http::Verb::post, "/2015-03-31/functions/{name}/invocations",
        [&target, new_trace_id](http::Request& request, const http::PathParams& params, http::Responder responder) {
            const auto addressed =
                address_function(target.function(), params[0], http::query_parameter(request.target(), "Qualifier"));
            if (!addressed.undecodable.empty()) {
                responder.send(aws_error(http::Status::bad_request, "InvalidParameterValueException",
                                         "Invalid percent-encoding '" + addressed.bad_escape + "' in " +
                                             addressed.undecodable));
                return;
            }
            if (!addressed.found) {
                responder.send(aws_error(http::Status::not_found, "ResourceNotFoundException",
                                         "Function not found: " + addressed.missing_arn));
                return;
            }
            std::string type{request["X-Amz-Invocation-Type"]};
            if (type.empty()) type = "RequestResponse";
            if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
                responder.send(aws_error(http::Status::bad_request, "InvalidParameterValueException",
                                         "1 validation error detected: Value '" + type +
                                             "' at 'invocationType' failed to satisfy constraint: Member must satisfy "
                                             "enum value set: [Event, RequestResponse, DryRun]"));
                return;
            }
            const std::size_t limit = type == "Event" ? kMaxAsyncPayload : kMaxSyncPayload;
            auto& body = request.body();
            if (body.received > limit) {
                responder.send(aws_error(http::Status::payload_too_large, "RequestTooLargeException",
                                         std::to_string(body.received) + " byte payload is too large for the " + type +
                                             " invocation type (limit " + std::to_string(limit) + " bytes)"));
                return;
            }
            // No payload is an empty event; anything else must be JSON (any JSON value).
            if (body.bytes.empty()) body.bytes = "{}";
            if (const auto problem = json_problem(body.bytes)) {
                responder.send(aws_error(http::Status::bad_request, "InvalidRequestContentException",
                                         "Could not parse request body into json: " + *problem));
                return;
            }
            const std::string log_type{request["X-Amz-Log-Type"]};
            if (!log_type.empty() && log_type != "None" && log_type != "Tail") {
                responder.send(aws_error(http::Status::bad_request, "InvalidParameterValueException",
                                         "Value '" + log_type + "' at 'logType' failed to satisfy constraint: Member must "
                                                                "satisfy enum value set: [Tail, None]"));
                return;
            }
            Order order;
            if (const auto context = request["X-Amz-Client-Context"]; !context.empty()) {
                auto decoded = http::base64_decode(context);
                if (!decoded || !nlohmann::json::accept(*decoded)) {
                    responder.send(aws_error(http::Status::bad_request, "InvalidParameterValueException",
                                             "Client context must be a valid Base64-encoded JSON object."));
                    return;
                }
                // Lambda passes the client context to synchronous invocations only.
                if (type == "RequestResponse") order.request.client_context = std::move(*decoded);
            }
            if (type == "DryRun") {
                responder.send(http::make_response(http::Status::no_content, std::string{}, ""));
                return;
            }
            const auto content_type = request[boost::beast::http::field::content_type];
            order.request.content_type = content_type.empty() ? "application/json" : std::string{content_type};
            order.request.payload = core::make_payload(std::move(body.bytes));
            order.request.invoked_function_arn = addressed.invoked_arn;
            const auto trace = request["X-Amzn-Trace-Id"];
            order.request.trace_id = trace.empty() ? new_trace_id() : std::string{trace};
            order.source = type;
            const bool asynchronous = type == "Event";
            order.wants_log_tail = !asynchronous && log_type == "Tail";
            if (!asynchronous) {
                // A runtime that streams is passed on as it streams, unless the caller wants the log
                // tail, which exists only at the end.
                auto stream = std::make_shared<std::shared_ptr<http::ResponseStream>>();
                if (!order.wants_log_tail) {
                    order.request.accept_stream = [responder, stream](const std::string& content_type) mutable {
                        auto head = http::make_response(http::Status::ok, std::string{}, content_type.c_str());
                        head.set("X-Amz-Executed-Version", "$LATEST");
                        head.set(boost::beast::http::field::trailer, kStreamTrailers);
                        *stream = responder.stream(std::move(head));
                        return core::ChunkSink{[stream](std::string_view chunk) { return !*stream || (*stream)->write(chunk); },
                                               [stream](std::function<void()> resume) {
                                                   if (*stream) (*stream)->when_ready(std::move(resume));
                                                   else resume();
                                               }};
                    };
                }
                order.on_done = [responder, stream, tail = order.wants_log_tail](const core::InvokeResult& result,
                                                                                const std::string& log) mutable {
                    if (result.streamed && *stream) finish_stream(**stream, result);
                    else responder.send(render_result(result, log, tail));
                };
                order.on_dropped = [responder]() mutable { responder.send(shutting_down()); };
            }
            switch (target.submit(std::move(order))) {
            case Admission::Accepted:
            case Admission::Queued:
                if (asynchronous) responder.send(http::make_response(http::Status::accepted, std::string{}, ""));
                return;
            case Admission::Busy:
                responder.send(aws_error(http::Status::too_many_requests, "TooManyRequestsException", "Rate Exceeded."));
                return;
            case Admission::ShuttingDown:
                responder.send(shutting_down());
                return;
            case Admission::Unavailable:
                responder.send(aws_error(http::Status::internal_server_error, "ServiceException",
                                         "lambda-emu could not start an execution environment (see its log)"));
                return;
            }
        },
        kMaxSyncPayload, http::RouteHooks{.answers_oversized_body = true});
}

} // namespace lambda_emu::invoke
