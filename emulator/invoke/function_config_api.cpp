#include "function_config_api.hpp"

#include "aws_errors.hpp"
#include "core/json_text.hpp"
#include "invoke_request.hpp"

#include <array>
#include <filesystem>

namespace lambda_emu::invoke {

namespace {

// The Lambda API's date prefixes (one per API version of its operations), from AWS's service
// model: everything under them is Lambda's, so an SDK reads the answer.
constexpr std::array kLambdaApiPrefixes{"/2015-03-31", "/2016-08-19", "/2017-03-31", "/2017-10-31", "/2018-10-31",
                                        "/2019-09-25", "/2019-09-30", "/2020-04-22", "/2020-06-30", "/2021-07-20",
                                        "/2021-10-31", "/2021-11-15", "/2022-07-28", "/2024-08-31", "/2025-11-30"};

// A layer as the configuration lists it: its ARN, or, for a local folder or .zip, the ARN its
// name would have as version 1 in the function's account.
std::string layer_arn(const std::string& layer, const core::FunctionConfig& function)
{
    if (layer.starts_with("arn:")) return layer;
    const auto name = std::filesystem::path{layer}.stem().string();
    return "arn:aws:lambda:" + function.region + ":" + function.account_id + ":layer:" + name + ":1";
}

http::Response not_found(const AddressedFunction& addressed)
{
    if (!addressed.undecodable.empty())
        return aws_error(http::Status::bad_request, "InvalidParameterValueException",
                         "Invalid percent-encoding '" + addressed.bad_escape + "' in " + addressed.undecodable);
    return aws_error(http::Status::not_found, "ResourceNotFoundException",
                     "Function not found: " + addressed.missing_arn);
}

// GetFunction and GetFunctionConfiguration: the function the path names, with its Qualifier.
const ServedFunction* addressed_function(const FunctionDirectory& functions, const http::Request& request,
                                         const std::string& name, http::Responder& responder)
{
    const auto addressed = address_function(functions, name, http::query_parameter(request.target(), "Qualifier"));
    if (!addressed.found) responder.send(not_found(addressed));
    return addressed.found;
}

http::Response unknown_operation(const http::Request& request)
{
    const auto path = request.target().substr(0, request.target().find('?'));
    return aws_error(http::Status::not_found, "UnknownOperationException",
                     "lambda-emu does not emulate " + std::string{request.method_string()} + " " + std::string{path} +
                         ": it answers Invoke, InvokeWithResponseStream, GetFunction, GetFunctionConfiguration and "
                         "ListFunctions");
}

} // namespace

nlohmann::ordered_json function_configuration(const ServedFunction& served)
{
    const auto& function = served.target->function();
    const auto& details = served.details;
    nlohmann::ordered_json configuration;
    configuration["FunctionName"] = function.name;
    configuration["FunctionArn"] = function.arn();
    configuration["Runtime"] = function.runtime;
    configuration["Role"] = "arn:aws:iam::" + function.account_id + ":role/lambda-emu";
    configuration["Handler"] = function.handler;
    configuration["CodeSize"] = 0;
    configuration["Description"] = "";
    // Lambda's Timeout is whole seconds; a shorter local timeout shows as the second it starts in.
    configuration["Timeout"] = std::max<long long>(1, (function.timeout.count() + 999) / 1000);
    configuration["MemorySize"] = function.memory_mb;
    configuration["LastModified"] = details.last_modified;
    configuration["Version"] = function.version;
    nlohmann::ordered_json variables = nlohmann::ordered_json::object();
    for (const auto& [key, value] : details.environment) variables[key] = value;
    configuration["Environment"] = {{"Variables", variables}};
    configuration["TracingConfig"] = {{"Mode", "PassThrough"}};
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const auto& layer : details.layers) layers.push_back({{"Arn", layer_arn(layer, function)}, {"CodeSize", 0}});
    if (!layers.empty()) configuration["Layers"] = layers;
    configuration["State"] = "Active";
    configuration["LastUpdateStatus"] = "Successful";
    configuration["PackageType"] = "Zip";
    configuration["Architectures"] = nlohmann::ordered_json::array({details.architecture});
    configuration["EphemeralStorage"] = {{"Size", details.ephemeral_storage_mb}};
    configuration["SnapStart"] = {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}};
    configuration["LoggingConfig"] = {{"LogFormat", function.log_format}, {"LogGroup", "/aws/lambda/" + function.name}};
    return configuration;
}

void add_function_config_routes(http::Router& router, const FunctionDirectory& functions)
{
    const auto list = [&functions](http::Request&, const http::PathParams&, http::Responder responder) {
        nlohmann::ordered_json listed = nlohmann::ordered_json::array();
        for (const auto& served : functions.all()) listed.push_back(function_configuration(served));
        responder.send(
            http::json_response(http::Status::ok, core::json_text(nlohmann::ordered_json{{"Functions", listed}})));
    };
    router.add(http::Verb::get, "/2015-03-31/functions/", list);
    router.add(http::Verb::get, "/2015-03-31/functions", list);
    router.add(http::Verb::get, "/2015-03-31/functions/{name}",
               [&functions](http::Request& request, const http::PathParams& params, http::Responder responder) {
                   const auto* served = addressed_function(functions, request, params[0], responder);
                   if (!served) return;
                   nlohmann::ordered_json answer;
                   answer["Configuration"] = function_configuration(*served);
                   answer["Code"] = {{"RepositoryType", "S3"}};
                   answer["Tags"] = nlohmann::ordered_json::object();
                   responder.send(http::json_response(http::Status::ok, core::json_text(answer)));
               });
    router.add(http::Verb::get, "/2015-03-31/functions/{name}/configuration",
               [&functions](http::Request& request, const http::PathParams& params, http::Responder responder) {
                   const auto* served = addressed_function(functions, request, params[0], responder);
                   if (!served) return;
                   responder.send(
                       http::json_response(http::Status::ok, core::json_text(function_configuration(*served))));
               });
    for (const char* prefix : kLambdaApiPrefixes) {
        router.add_prefix(prefix, [](http::Request& request, const http::PathParams&, http::Responder responder) {
            responder.send(unknown_operation(request));
        });
    }
}

} // namespace lambda_emu::invoke
