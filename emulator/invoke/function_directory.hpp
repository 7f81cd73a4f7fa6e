#pragma once
// The functions one `serve` serves, found by the name a caller gives: the FunctionName, or the
// logical ID of the template the function comes from (as `sam local start-lambda` answers both),
// or `function` when only one is served (the name AWS's runtime interface emulator serves, so its
// users' URLs keep working).
#include "core/runtime_environment.hpp"
#include "invocation_target.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::invoke {

// What the control plane (GetFunctionConfiguration) says of a function beyond what the core knows.
struct FunctionDetails {
    std::string logical_id;      // the template's; empty when the function does not come from one
    core::Variables environment; // the customer's variables (Environment.Variables)
    std::vector<std::string> layers;
    std::string architecture = "x86_64";
    int ephemeral_storage_mb = 512;
    std::string last_modified; // when serve started, as Lambda writes it: 2026-12-03T08:30:00.000+0000
};

struct ServedFunction {
    InvocationTarget* target;
    FunctionDetails details;
};

class FunctionDirectory {
public:
    // One error line when the function's name or logical ID is already another's; the directory
    // is unchanged then.
    std::optional<std::string> add(InvocationTarget& target, FunctionDetails details);
    // By FunctionName first, then by logical ID (or `function`); null when nothing is served by that name.
    const ServedFunction* find(std::string_view name) const;
    // By FunctionName alone: what an ARN names.
    const ServedFunction* find_by_function_name(std::string_view name) const;
    const std::vector<ServedFunction>& all() const { return functions_; }
    // Every function of one serve shares its region and account (one --region).
    const core::FunctionConfig& first() const { return functions_.front().target->function(); }

private:
    std::vector<ServedFunction> functions_;
};

} // namespace lambda_emu::invoke
