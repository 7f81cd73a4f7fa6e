#pragma once
// `--template template.yaml LOGICAL_ID`: the function's settings from its SAM template
// (template/sam_template.hpp) laid under the command line's: an option given on the command line
// always wins over the template.
#include "function_options.hpp"

#include <set>
#include <string>

namespace lambda_emu {

// `options.bootstrap` holds the logical ID on entry and the bootstrap's path on return (the
// `bootstrap` file in CodeUri, for a provided.* runtime). `given`: the long names of the options
// the command line set ("--timeout", ...). Returns one error line, or empty.
std::string apply_template(FunctionOptions& options, const std::set<std::string>& given);

} // namespace lambda_emu
