#pragma once
// The part of Lambda's control plane that SDKs and the AWS CLI touch around an invocation
// (`aws lambda get-function`, `aws lambda wait function-active-v2`, the SDK's GetFunctionCommand),
// answered from the running configuration with AWS's field names:
//   GET /2015-03-31/functions/                      ListFunctions
//   GET /2015-03-31/functions/{name}                GetFunction
//   GET /2015-03-31/functions/{name}/configuration  GetFunctionConfiguration
// and every other path under the Lambda API's prefixes answered with AWS's error shape (an
// `x-amzn-ErrorType` the SDKs raise as a typed error), never a plain-text 404. Added after the
// invoke routes: the fallback takes what they do not.
#include "function_directory.hpp"
#include "http/router.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::invoke {

// A function's configuration as GetFunctionConfiguration answers it.
nlohmann::ordered_json function_configuration(const ServedFunction& function);

void add_function_config_routes(http::Router& router, const FunctionDirectory& functions);

} // namespace lambda_emu::invoke
