#pragma once
// `--template template.yaml LOGICAL_ID`: the function's settings from its SAM template
// (template/sam_template.hpp) laid under the command line's: an option given on the command line
// always wins over the template.
#include "function_options.hpp"
#include "template/sam_template.hpp"

#include <filesystem>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace lambda_emu {

// `options.bootstrap` holds the logical ID on entry and the bootstrap's path on return (the
// `bootstrap` file in CodeUri, for a provided.* runtime). `given`: the long names of the options
// the command line set ("--timeout", ...). Returns one error line, or empty.
std::string apply_template(FunctionOptions& options, const std::set<std::string>& given);

// How a reader names the function's properties in error lines: a SAM template's or a Terraform
// configuration's words.
struct PropertyNames {
    std::string source;        // "template", "terraform"
    std::string code;          // "CodeUri", "filename"
    std::string architectures; // "Architectures", "architectures"
    std::string log_format;    // "LoggingConfig.LogFormat", "logging_config.log_format"
    std::string variables;     // "Environment.Variables", "environment.variables"
};

// A function's properties, however read, laid under the command line's options (which win);
// `default_code`: the code's folder when the properties name none. One error line, or empty.
std::string apply_function_properties(FunctionOptions& options, const std::set<std::string>& given,
                                      const sam::FunctionProperties& function, const PropertyNames& names,
                                      const std::filesystem::path& default_code);

// `serve --template T` without a logical ID: every function of the template, each the command
// line's options laid over its settings. Options that can name only one function (--function-name,
// --handler, -d) are refused when the template has several.
struct TemplateFunctions {
    std::vector<FunctionOptions> functions;
    std::string error; // one line; no function then
};
TemplateFunctions apply_template_to_every_function(const FunctionOptions& options, const std::set<std::string>& given);

// The line refusing an option that names one function (--function-name, --handler, -d) when the
// source (`--template T`, `--terraform DIR`) has several; empty when none was given or there is one.
// `functions`: the source's, the first of them suggested in the line.
std::string one_function_option_problem(const std::set<std::string>& given, const std::string& source,
                                        const std::vector<std::string>& functions);

// Every function of a source, each a copy of the command line's options with `bootstrap` set to
// its name and `apply` laying the source's settings under them (`first`: the first function, for
// what is said once); one error line, and no function, at the first that fails.
TemplateFunctions options_for_each_function(const FunctionOptions& options, const std::set<std::string>& given,
                                            const std::string& source, const std::vector<std::string>& names,
                                            const std::function<std::string(FunctionOptions&, bool first)>& apply);

} // namespace lambda_emu
