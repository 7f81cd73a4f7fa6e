// The Invoke API's function address: a path segment and a Qualifier query parameter, percent-
// decoded and matched against the function (invoke::address_function), then, when it does not
// match, the ResourceNotFoundException body the route answers with.
#include "named_function.hpp"
#include "targets.hpp"

#include "http/router.hpp"
#include "invoke/aws_errors.hpp"
#include "invoke/invoke_api.hpp"

namespace lambda_emu::fuzz {

void percent_decoding(std::string_view input)
{
    const auto newline = input.find('\n');
    const std::string name{input.substr(0, newline)};
    const std::string query =
        newline == std::string_view::npos ? std::string{} : std::string{input.substr(newline + 1)};
    const std::string target = "/2015-03-31/functions/x/invocations?" + query;
    testing::NamedFunction function{"fn"};
    invoke::FunctionDirectory functions;
    functions.add(function, {});
    const auto addressed = invoke::address_function(functions, name, http::query_parameter(target, "Qualifier"));
    if (!addressed.found) {
        (void)invoke::aws_error(http::Status::not_found, "ResourceNotFoundException",
                                "Function not found: " + addressed.missing_arn);
    }
}

} // namespace lambda_emu::fuzz
