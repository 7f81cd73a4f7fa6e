#pragma once
// template/: an AWS SAM template read for one function, so `run` and `serve` take the settings a
// team already keeps there. Only what can be known locally is taken: plain values, `!Ref` to a
// parameter (its override, else its Default) or to the pseudo parameters a run knows (region,
// account, partition), `!Sub` of those. Layer ARNs are passed on as they are (cli/layer_arns.hpp
// says where each comes from); an environment variable that names a resource is passed on
// unresolved, for --env to give; anything else (`!GetAtt` elsewhere, an S3 CodeUri) is one clear
// error naming the property and what to pass on the command line instead.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lambda_emu::sam {

// One AWS::Serverless::Function's properties, merged over Globals.Function (the function's own
// win; Environment.Variables merge key by key, as SAM does).
struct FunctionProperties {
    std::string logical_id;
    std::optional<std::string> function_name; // FunctionName, when a plain value
    std::optional<std::string> handler;
    std::optional<std::string> runtime;            // e.g. provided.al2023, nodejs20.x
    std::optional<std::filesystem::path> code_uri; // a local folder, made absolute from the template's
    std::optional<int> memory_mb;
    std::optional<double> timeout_seconds;
    std::vector<std::pair<std::string, std::string>> variables; // Environment.Variables, in the template's order
    // Environment.Variables whose value is known only once deployed (!Ref Table, !GetAtt
    // Table.Arn): each name, and the error to give unless the command line sets it.
    std::vector<std::pair<std::string, std::string>> unresolved_variables;
    // Each a local path made absolute (a LayerVersion's ContentUri, a folder, a .zip) or an ARN.
    std::vector<std::string> layers;
    std::optional<std::string> architecture;          // Architectures[0]: x86_64 | arm64
    std::optional<std::string> build_method;          // Metadata.BuildMethod: go1.x, rust-cargolambda, ...
    std::optional<int> ephemeral_storage_mb;          // EphemeralStorage.Size
    std::optional<std::string> log_format;            // LoggingConfig.LogFormat: Text | JSON
    std::optional<std::string> application_log_level; // LoggingConfig.ApplicationLogLevel
    std::optional<std::string> system_log_level;      // LoggingConfig.SystemLogLevel
    // CapacityProviderConfig: a Lambda Managed Instances function; its settings, when given.
    bool managed_instances = false;
    std::optional<int> max_concurrency;        // PerExecutionEnvironmentMaxConcurrency
    std::optional<double> memory_gib_per_vcpu; // ExecutionEnvironmentMemoryGiBPerVCpu
    bool tenant_isolation = false;             // TenancyConfig.TenantIsolationMode: PER_TENANT
};

struct ReadFunction {
    FunctionProperties function;
    std::string error; // non-empty: one line, naming the property and what to pass instead
};

// What a run knows that a deployment would: the pseudo parameters' values and the parameters the
// command line overrides (--parameter-overrides).
struct TemplateContext {
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    std::map<std::string, std::string> parameter_overrides;
};

// CloudFormation's limit for a template's body (uploaded through S3): 1 MB.
inline constexpr std::size_t kMaxTemplateBytes = 1024 * 1024;

// `yaml`: the template's text (its size already checked against kMaxTemplateBytes); `folder`: where relative CodeUri
// and ContentUri start (the template's folder); `logical_id`: the function to read.
ReadFunction read_function(const std::string& yaml, const std::filesystem::path& folder, const std::string& logical_id,
                           const TemplateContext& context = {});

// Every AWS::Serverless::Function's logical ID, in the template's order (`serve --template T`
// serves them all), or one error line.
struct FunctionIds {
    std::vector<std::string> ids;
    std::string error;
};
FunctionIds function_ids(const std::string& yaml);

} // namespace lambda_emu::sam
