#pragma once
// A function URL's first mapping (the Lambda developer guide, "Invoking Lambda function URLs":
// requests follow API Gateway's payload format version 2.0): an HTTP request becomes the event
// the function gets; function_url_answer.hpp has the way back. Pure functions, for the route and
// its tests.
#include "http/message.hpp"

#include <cstdint>
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

} // namespace lambda_emu::invoke
