#pragma once
// `--terraform DIR RESOURCE`: the function's settings from the Terraform configuration a team
// deploys it with (template/terraform_config.hpp), laid under the command line's as a SAM
// template's are (cli/template_options.hpp). The .tf files are parsed by HashiCorp's own HCL
// parser, which scripts/setup.sh installs beside the managed runtimes' clients
// (runtimes/terraform): `node hcl2json.mjs FILE...` runs once before the event loop starts.
#include "function_options.hpp"
#include "template_options.hpp"

#include <set>
#include <string>

namespace lambda_emu {

// `options.bootstrap` holds the resource (aws_lambda_function.NAME, or its function_name) on entry
// and the code's folder on return. Returns one error line, or empty.
std::string apply_terraform(FunctionOptions& options, const std::set<std::string>& given);

// `serve --terraform DIR` without a resource: every aws_lambda_function of the configuration.
TemplateFunctions apply_terraform_to_every_function(const FunctionOptions& options, const std::set<std::string>& given);

} // namespace lambda_emu
