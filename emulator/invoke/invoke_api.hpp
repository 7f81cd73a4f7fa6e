#pragma once
// AWS Lambda's Invoke API (LAMBDA-SPEC 6.2) on POST /2015-03-31/functions/{name}/invocations:
// what the AWS CLI and SDKs call, and what AWS's runtime interface emulator answers to curl.
#include "http/router.hpp"
#include "invocation_target.hpp"

#include <functional>
#include <string>

namespace lambda_emu::invoke {

// The Invoke API's payload limits: 6 MB synchronous, 1 MB asynchronous.
inline constexpr std::size_t kMaxSyncPayload = 6291456;
inline constexpr std::size_t kMaxAsyncPayload = 1048576;

void add_invoke_routes(http::Router& router, InvocationTarget& target, std::function<std::string()> new_trace_id);

// The function name as the caller wrote it (name, name:qualifier, partial or full ARN) and the
// Qualifier parameter, both still percent-encoded, checked against the one function served.
struct AddressedFunction {
    bool found = false;
    std::string invoked_arn;   // as the runtime sees it: qualified when the caller qualified it
    std::string missing_arn;   // for ResourceNotFoundException's message
    // Set when the name or the Qualifier holds an escape that is not `%` and two hex digits:
    // which one ("functionName" or "Qualifier") and the escape, printable.
    std::string undecodable;
    std::string bad_escape;
};
AddressedFunction address_function(const core::FunctionConfig& function, const std::string& name,
                                   const std::string& qualifier);

} // namespace lambda_emu::invoke
