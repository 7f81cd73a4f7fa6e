// The managed runtimes' table and the environment each adds (cli/managed_runtimes).
#include "cli/managed_runtimes.hpp"
#include "core/runtime_environment.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace lambda_emu;

namespace {

bool has(const std::vector<std::string>& environment, const std::string& entry)
{
    return std::find(environment.begin(), environment.end(), entry) != environment.end();
}

} // namespace

TEST_CASE("every managed runtime is a Lambda id, with its language version and client")
{
    CHECK(managed_runtime_ids() == "nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x");
    for (const auto& runtime : managed_runtimes()) {
        CHECK(runtime.id == "nodejs" + std::string{runtime.version} + ".x");
        CHECK(runtime.runtime_version == "nodejs:" + std::string{runtime.version});
        CHECK(runtime.executable == "node");
        CHECK(!runtime.arguments.empty());
    }
    // Callback handlers: accepted through Node.js 22 (client 3.x), refused from 24 (client 4.x).
    CHECK(find_managed_runtime("nodejs22.x")->client_name == "aws-lambda-ric 3.3.0");
    CHECK(find_managed_runtime("nodejs24.x")->client_name == "aws-lambda-ric 4.0.2");
    CHECK(find_managed_runtime("nodejs16.x") == nullptr);
    CHECK(find_managed_runtime("provided.al2023") == nullptr);
}

TEST_CASE("version numbers are matched by release line, not by prefix")
{
    CHECK(version_number_of("v20.20.2") == "20.20.2");
    CHECK(version_number_of("Python 3.12.1\n") == "3.12.1");
    CHECK(version_number_of("no digits") == "");
    CHECK(is_version_of("20.20.2", "20"));
    CHECK(is_version_of("22", "22"));
    CHECK_FALSE(is_version_of("2.0.1", "20"));
    CHECK_FALSE(is_version_of("200.1", "20"));
    CHECK(is_version_of("3.12.1", "3.12"));
    CHECK_FALSE(is_version_of("3.1.2", "3.12"));
    CHECK_FALSE(is_version_of("", "20"));
}

TEST_CASE("a Node.js runtime adds AWS_EXECUTION_ENV, LAMBDA_RUNTIME_DIR and NODE_PATH as Lambda's bootstrap does")
{
    const auto variables =
        managed_runtime_variables(*find_managed_runtime("nodejs22.x"), {"/var/task", "/var/runtime"});
    const core::Variables expected{
        {"AWS_EXECUTION_ENV", "AWS_Lambda_nodejs22.x"},
        {"LAMBDA_RUNTIME_DIR", "/var/runtime"},
        {"NODE_PATH", "/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:"
                      "/var/runtime:/var/task"},
    };
    CHECK(variables == expected);
}

TEST_CASE("the runtime's variables override Lambda's defaults; the customer's override them")
{
    core::FunctionConfig config;
    config.name = "f";
    core::RuntimeEnvironmentInputs inputs;
    inputs.task_root = "/work/f";
    inputs.managed_runtime = managed_runtime_variables(*find_managed_runtime("nodejs20.x"), {"/work/f", "/rt"});
    inputs.customer = {{"NODE_PATH", "/mine"}};
    const auto environment = core::runtime_environment(config, inputs);
    CHECK(has(environment, "LAMBDA_RUNTIME_DIR=/rt"));
    CHECK_FALSE(has(environment, "LAMBDA_RUNTIME_DIR=/work/f"));
    CHECK(has(environment, "AWS_EXECUTION_ENV=AWS_Lambda_nodejs20.x"));
    CHECK(has(environment, "NODE_PATH=/mine"));
    CHECK(has(environment, "LAMBDA_TASK_ROOT=/work/f"));
    CHECK(std::count_if(environment.begin(), environment.end(),
                        [](const std::string& entry) { return entry.rfind("NODE_PATH=", 0) == 0; }) == 1);
}
