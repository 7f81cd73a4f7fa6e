#pragma once
// `--template template.yaml LOGICAL_ID`: the function's settings from its SAM template
// (template/sam_template.hpp) laid under the command line's: an option given on the command line
// always wins over the template.
#include "function_options.hpp"

#include <set>
#include <string>
#include <vector>

namespace lambda_emu {

// `options.bootstrap` holds the logical ID on entry and the bootstrap's path on return (the
// `bootstrap` file in CodeUri, for a provided.* runtime). `given`: the long names of the options
// the command line set ("--timeout", ...). Returns one error line, or empty.
std::string apply_template(FunctionOptions& options, const std::set<std::string>& given);

// `serve --template T` without a logical ID: every function of the template, each the command
// line's options laid over its settings. Options that can name only one function (--function-name,
// --handler, -d) are refused when the template has several.
struct TemplateFunctions {
    std::vector<FunctionOptions> functions;
    std::string error; // one line; no function then
};
TemplateFunctions apply_template_to_every_function(const FunctionOptions& options, const std::set<std::string>& given);

} // namespace lambda_emu
