#pragma once
// The typed refusals of the core. The API layers map each kind once to an HTTP status and a
// Lambda error body; the core never speaks HTTP.
#include <optional>
#include <string>

namespace lambda_emu::core {

enum class RuntimeCallErrorKind {
    InvalidRequestId,       // 400 InvalidRequestID
    InvalidStateTransition, // 403 InvalidStateTransition
    PayloadTooLarge,        // 413 RequestEntityTooLarge
    InvalidResponseMode,    // 400 InvalidFunctionResponseMode
    TruncatedRequest,       // 400 TruncatedHTTPRequest
    InvokeTimedOut,         // 410 InvokeTimeout: Managed Instances, an answer after the invocation timed out
};

struct RuntimeCallError {
    RuntimeCallErrorKind kind;
    std::string message;
};

using RuntimeCallResult = std::optional<RuntimeCallError>; // empty: accepted

// Why the environment refuses an invocation (the caller's problem, not the function's).
enum class InvokeRefusal {
    Busy,         // an invocation is already in flight or waiting
    ShuttingDown, // the environment is spinning down for good
};

} // namespace lambda_emu::core
