#pragma once
// Function URLs' two mappings (the Lambda developer guide, "Invoking Lambda function URLs":
// the request and response payloads follow API Gateway's payload format version 2.0):
// an HTTP request becomes the event the function gets, and the function's answer becomes the
// HTTP response the client gets. Pure functions of their inputs, for the route and its tests.
#include "core/invocation.hpp"
#include "http/message.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu::invoke {

// What the event says about the request besides the request itself.
struct FunctionUrlContext {
    std::string raw_path;      // the path below the function's prefix, "/" at least
    std::string function_name; // apiId and domainPrefix: the emulator has no URL id
    std::string account_id;
    std::string request_id;
    std::string trace_id; // also the x-amzn-trace-id header, as AWS adds it
    std::string source_ip = "127.0.0.1";
    std::int64_t epoch_ms = 0;
};

// The payload format 2.0 event: headers lower-cased with repeated ones joined by commas, the
// Cookie header as `cookies`, the query as `rawQueryString` and `queryStringParameters`
// (decoded, repeated keys joined by commas), and the body as text or, unless it is text, base64
// with `isBase64Encoded`.
std::string function_url_event(const http::Request& request, const FunctionUrlContext& context);

// Whether a body goes to the function as it is: a textual content type and valid UTF-8.
bool is_text_body(std::string_view content_type, std::string_view body);

// The function's buffered answer as the HTTP response: a JSON object with `statusCode` is read
// as {statusCode, headers, cookies (each a Set-Cookie), body, isBase64Encoded}; any other JSON
// value is sent as it is, 200 application/json. A function error, or an answer that is neither
// (not JSON, a statusCode out of range), is 502 Internal Server Error.
http::Response function_url_response(const core::InvokeResult& result);

// The head a streaming function writes before its body (awslambda.HttpResponseStream): a JSON
// prelude {statusCode, headers, cookies}, then 8 NUL bytes. `head_from_prelude` reads the
// prelude (without the NULs); nothing when it is not such a JSON object.
inline constexpr std::string_view kHttpIntegrationContentType = "application/vnd.awslambda.http-integration-response";
inline constexpr std::size_t kPreludeSeparatorBytes = 8;
std::optional<http::Response> head_from_prelude(std::string_view prelude);

// The answer when the function failed or answered something a function URL cannot send.
http::Response bad_gateway();

} // namespace lambda_emu::invoke
