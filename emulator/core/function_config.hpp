#pragma once
// What Lambda knows about the function: its configuration, as the Runtime API and the
// environment variables expose it.
#include "clock.hpp"

#include <string>

namespace lambda_emu::core {

// How Lambda runs the function's execution environments.
enum class ExecutionModel {
    OnDemand,         // one invocation at a time per environment, frozen between invocations
    ManagedInstances, // Lambda Managed Instances: up to max_concurrency at once (AWS_LAMBDA_MAX_CONCURRENCY)
};

struct FunctionConfig {
    std::string name;
    std::string version = "$LATEST";
    std::string handler = "function.handler";
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    int memory_mb = 128;
    Millis timeout{3000};
    // On-demand Init has its own 10 s limit, not counted in the first invocation's timeout
    // (docs/lambda-rules.md §4.1, 4.2).
    Millis init_timeout{10000};
    // "Text" or "JSON": the function's log format (LoggingConfig), which also shapes Lambda's own lines.
    std::string log_format = "Text";
    // Lambda's runtime identifier ("nodejs22.x", "python3.11", "java17", "provided.al2023"): what a
    // kill's note can say of the runtime's client and of the way out.
    std::string runtime = "provided.al2023";
    // The CPU the environment runs with (cpu_allocation.hpp: memory / 1,769 MB with --cpu lambda);
    // 0: the host's, unthrottled.
    double vcpus = 0;
    ExecutionModel execution_model = ExecutionModel::OnDemand;
    // Invocations one environment holds at once: 1 on demand; PerExecutionEnvironmentMaxConcurrency
    // under Managed Instances.
    int max_concurrency = 1;
    // TenancyConfig's PER_TENANT: every invocation carries a tenant id, and an environment only
    // ever serves one tenant.
    bool tenant_isolation = false;

    // Unqualified ARN: what `Lambda-Runtime-Invoked-Function-Arn` carries when the caller used
    // the bare function name.
    std::string arn() const { return "arn:aws:lambda:" + region + ":" + account_id + ":function:" + name; }
};

} // namespace lambda_emu::core
