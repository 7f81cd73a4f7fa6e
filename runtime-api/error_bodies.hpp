#pragma once
// What a runtime posts to /error and /init/error, turned into the payload the caller gets.
#include "core/runtime_calls.hpp"
#include "http/message.hpp"

#include <string>

namespace lambda_emu::runtime_api {

// Reads the error type header and the body. With the error-cause content type, RAPID strips
// `errorCause` (X-Ray only) and replaces an unparsable body with "Invalid error body"
// (docs/lambda-rules.md §1.5). A body that is not JSON is never passed on labelled as JSON.
core::RuntimeError read_posted_error(http::Request& request);

// The error of a streamed response's trailers: type from Lambda-Runtime-Function-Error-Type,
// body from base64 Lambda-Runtime-Function-Error-Body (a JSON error object, or plain text that
// becomes the errorMessage).
core::RuntimeError stream_error_from_trailers(const std::string& error_type, const std::string& base64_body);

} // namespace lambda_emu::runtime_api
