#pragma once
// Function URLs on `serve`: any method on /lambda-url/{name}/any/path?query invokes the function
// with the event a function URL sends (function_url_event.hpp) and answers with the HTTP
// response it makes of the function's answer (function_url_answer.hpp); a function that streams
// (RESPONSE_STREAM: a JSON prelude, 8 NUL bytes, then the body, as awslambda.HttpResponseStream
// writes it) is streamed to the client as it writes. The prefix cannot clash with AWS's APIs,
// whose paths begin with a date.
#include "http/router.hpp"
#include "function_directory.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace lambda_emu::invoke {

inline constexpr const char* kFunctionUrlPrefix = "/lambda-url";
inline constexpr const char* kFunctionUrlPattern = "/lambda-url/{name}";

// Where a function URL's identifiers and time come from.
struct FunctionUrlSources {
    std::function<std::string()> new_request_id;
    std::function<std::string()> new_trace_id;
    std::function<std::int64_t()> now_epoch_ms;
};

// Where a line about an answer sent other than as given goes (the console's lifecycle lines).
using FunctionUrlWarnings = std::function<void(const std::string& line)>;

void add_function_url_routes(http::Router& router, const FunctionDirectory& functions, FunctionUrlSources sources,
                             FunctionUrlWarnings warn = {});

} // namespace lambda_emu::invoke
