#pragma once
// Reading one Invoke API request: the function it addresses and what it asks for, checked in
// Lambda's order, as an Order for the environments or the answer Lambda gives at once.
#include "http/message.hpp"
#include "function_directory.hpp"
#include "invocation_target.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace lambda_emu::invoke {

// The function name as the caller wrote it (name, name:qualifier, partial or full ARN) and the
// Qualifier parameter, both still percent-encoded, looked up among the functions served.
struct AddressedFunction {
    const ServedFunction* found = nullptr;
    std::string invoked_arn; // as the runtime sees it: qualified when the caller qualified it
    std::string missing_arn; // for ResourceNotFoundException's message
    // Set when the name or the Qualifier holds an escape that is not `%` and two hex digits:
    // which one ("functionName" or "Qualifier") and the escape, printable.
    std::string undecodable;
    std::string bad_escape;
};
AddressedFunction address_function(const FunctionDirectory& functions, const std::string& name,
                                   const std::string& qualifier);

// The two operations that invoke: Invoke answers at once, buffered; InvokeWithResponseStream
// answers with an event stream and has no Event invocation type.
enum class InvokeOperation { Invoke, InvokeWithResponseStream };

// An order and the function to submit it to (without its caller attached yet).
struct AddressedOrder {
    InvocationTarget* target;
    Order order;
};
// An order to submit, or the answer to send at once: a refusal in Lambda's words, or DryRun's 204.
// `name` is the path's {name} segment as sent; the request's body is moved into the order.
// `new_trace_id` is called only for an order to submit whose caller sent no X-Amzn-Trace-Id.
using CheckedInvoke = std::variant<AddressedOrder, http::Response>;
// A tenant ID as Lambda takes one: 1 to 256 of letters, digits and . _ : / = + - @ and space.
inline constexpr std::size_t kMaxTenantIdLength = 256;
bool is_tenant_id(std::string_view tenant_id);
// Why Lambda refuses this invocation's tenant ID (InvalidParameterValueException): missing for a
// function with tenant isolation, present for one without, or malformed.
std::optional<std::string> tenant_problem(bool tenant_isolation, std::string_view tenant_id);

CheckedInvoke validate_invoke_request(http::Request& request, const std::string& name,
                                      const FunctionDirectory& functions,
                                      const std::function<std::string()>& new_trace_id,
                                      InvokeOperation operation = InvokeOperation::Invoke);

// An Event invocation: the caller is answered 202 once it is taken, and hears nothing more.
inline bool is_asynchronous(const Order& order)
{
    return order.source == "Event";
}

} // namespace lambda_emu::invoke
