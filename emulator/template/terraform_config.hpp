#pragma once
// template/: a Terraform configuration read for its aws_lambda_function resources, so `run` and
// `serve` take the settings a team already deploys with, as they take a SAM template's. The .tf
// files come parsed by HashiCorp's own HCL parser (cli/terraform_options.hpp runs it); here they
// are evaluated as far as a run can know them: variables (defaults, TF_VAR_*, terraform.tfvars,
// -var-file, -var), locals, path.module and path.root, the region, account and partition of the
// run for data.aws_region / aws_caller_identity / aws_partition, `${...}` interpolation of those,
// count.index and each.key for a named instance, and local modules. Anything else (a resource's
// attribute, a data source that calls AWS, a function call) is one line naming the expression and
// what to pass instead, and only when the function needs that value.
#include "sam_template.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lambda_emu::terraform {

// One .tf or .tfvars file as the parser gives it: blocks as arrays of bodies, every expression as
// a "${...}" string, literal strings as they are written ("$${" for a literal "${").
struct ParsedFile {
    std::filesystem::path path;
    nlohmann::json body;
};

// A module's folder and its .tf files.
struct ModuleFiles {
    std::filesystem::path folder; // absolute
    std::vector<ParsedFile> files;
    std::string error; // non-empty: the folder could not be read or parsed (one line)
};

// Reads a local module's folder (`source = "./..."`): the parser in a run, a map in the tests.
using ModuleLoader = std::function<ModuleFiles(const std::filesystem::path& folder)>;

// What a run knows that `terraform plan` would: the provider's region and account, and the
// root module's variables from outside, lowest precedence first as terraform takes them.
struct Context {
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    std::map<std::string, std::string> environment_variables;   // TF_VAR_NAME, by NAME
    std::vector<nlohmann::json> variable_files;                 // terraform.tfvars, *.auto.tfvars, each -var-file
    std::vector<std::pair<std::string, std::string>> variables; // each -var NAME=VALUE, in order
};

// The function's settings, in the SAM reader's shape so that both are laid under the command
// line the same way (cli/template_options.hpp). `logical_id` is the resource's address.
struct ReadFunction {
    sam::FunctionProperties function;
    std::string error;                // non-empty: one line, naming the attribute and what to pass instead
    std::vector<std::string> notices; // worth a line, but the function runs (a registry module not read)
};

// `resource`: aws_lambda_function.NAME (with [0] or ["key"] for an instance of count or
// for_each, and module.NAME. before it for one in a local module), or the function's
// function_name.
ReadFunction read_function(const ModuleFiles& root, const std::string& resource, const Context& context,
                           const ModuleLoader& load_module);

// Every aws_lambda_function's address, local modules' included, in the files' order (`serve
// --terraform DIR` serves them all), or one error line.
struct FunctionAddresses {
    std::vector<std::string> addresses;
    std::vector<std::string> notices;
    std::string error;
};
FunctionAddresses function_addresses(const ModuleFiles& root, const Context& context, const ModuleLoader& load_module);

} // namespace lambda_emu::terraform
