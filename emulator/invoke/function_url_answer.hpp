#pragma once
// A function URL's second mapping (the Lambda developer guide, "Invoking Lambda function URLs":
// responses follow API Gateway's payload format version 2.0): the function's answer becomes the
// HTTP response the client gets, and an answer no HTTP response can carry is the function's
// error. Pure functions of the answer, for the route and its tests.
#include "core/invocation.hpp"
#include "http/message.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <variant>

namespace lambda_emu::invoke {

// The error type of an answer a function URL cannot send, in the report and REPORT's status.
inline constexpr const char* kInvalidUrlResponse = "Function.InvalidUrlResponse";

// An answer a function URL can send, as the response it becomes.
struct MappedAnswer {
    http::Response response;
    std::size_t dropped_body_bytes = 0; // a 204's or 304's body: such a response has none (RFC 9110)
};
using FunctionUrlAnswer = std::variant<MappedAnswer, core::RefusedAnswer>;

// A JSON object with `statusCode` is read as {statusCode, headers, cookies (each a Set-Cookie),
// body, isBase64Encoded}; any other JSON value is sent as it is, 200 application/json. Refused:
// what is not JSON, a statusCode that is not a final status (200-599), a base64 body that is not
// a base64 string. Header fields that could not be sent as given are left out.
FunctionUrlAnswer map_function_url_answer(const core::Payload& answer);

// The invocation's result as the HTTP response: a function error, or an answer refused above,
// is 502 Internal Server Error.
http::Response function_url_response(const core::InvokeResult& result);

// The head a streaming function writes before its body (awslambda.HttpResponseStream): a JSON
// prelude {statusCode, headers, cookies}, then 8 NUL bytes. `head_from_prelude` reads the
// prelude (without the NULs); nothing when it is not such a JSON object.
inline constexpr std::string_view kHttpIntegrationContentType = "application/vnd.awslambda.http-integration-response";
inline constexpr std::size_t kPreludeSeparatorBytes = 8;
std::optional<http::Response> head_from_prelude(std::string_view prelude);

// Whether a response with this status never has a body (RFC 9110 15.3.5, 15.4.5).
bool is_bodiless(http::Status status);

// The answer when the function failed or answered something a function URL cannot send.
http::Response bad_gateway();

} // namespace lambda_emu::invoke
