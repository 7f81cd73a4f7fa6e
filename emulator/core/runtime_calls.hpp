#pragma once
// What a runtime posts to the Runtime API, once the HTTP layer has read it.
#include "api_errors.hpp"
#include "invocation.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace lambda_emu::core {

// Buffered responses above this size get 413 and the caller gets Function.ResponseSizeTooLarge
// (6 MiB + 100 bytes, docs/lambda-rules.md §1.3).
inline constexpr std::size_t kMaxResponseBytes = 6291556;
// What the runtime gets for such a response: 413 "Exceeded maximum allowed payload size (... bytes)."
RuntimeCallError response_too_large_refusal();
// What the caller gets in its Function.ResponseSizeTooLarge error.
std::string response_too_large_caller_message();

struct RuntimeError {
    std::string error_type; // as posted in Lambda-Runtime-Function-Error-Type (may be empty)
    Payload body;
    std::string content_type = "application/json";
};

struct RuntimeResponse {
    Payload body;
    std::string content_type = "application/json";
    // A streamed response that ended with Lambda-Runtime-Function-Error-Type/-Body trailers.
    std::optional<RuntimeError> stream_error;
};

// RAPID's bookkeeping name for an error type: kept when it looks like `Runtime.Xxx` or
// `Function.Xxx`, otherwise Function.Unknown / Runtime.Unknown (docs/lambda-rules.md §1.5).
std::string normalized_error_type(const std::string& posted);

// `{"errorMessage":..., "errorType":...}`: the shape of every Lambda error body.
std::string error_json(const std::string& error_type, const std::string& error_message);
// The errorMessage of such a body, at most `limit` bytes (cut at a character's start); "" when
// the body is not JSON, not an object, or its errorMessage is not a string.
std::string error_message_of(const std::string& body, std::size_t limit);

} // namespace lambda_emu::core
