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
    CHECK(managed_runtime_ids() == "nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x, python3.10, python3.11, "
                                   "python3.12, python3.13, python3.14, java17, java21, java25");
    for (const auto& runtime : managed_runtimes()) {
        CAPTURE(runtime.id);
        const std::string id{runtime.id};
        const std::string version{runtime.version};
        if (runtime.language == "Node.js") {
            CHECK(id == "nodejs" + version + ".x");
            CHECK(runtime.runtime_version == "nodejs:" + version);
            CHECK(runtime.executable == "node");
        } else if (runtime.language == "Python") {
            CHECK(id == "python" + version);
            CHECK(runtime.runtime_version == "python:" + version);
            CHECK(runtime.client_name == "awslambdaric 4.2.2");
            CHECK(!runtime.installation_query.empty()); // pyenv's shims are scripts
        } else {
            CHECK(runtime.language == "Java");
            CHECK(id == "java" + version);
            CHECK(runtime.client_name == "aws-lambda-java-runtime-interface-client 2.10.1");
            CHECK(runtime.installations_folder == "/usr/lib/jvm");
        }
        CHECK(!runtime.arguments.empty());
    }
    // Callback handlers: accepted through Node.js 22 (client 3.x), refused from 24 (client 4.x).
    CHECK(find_managed_runtime("nodejs22.x")->client_name == "aws-lambda-ric 3.3.0");
    CHECK(find_managed_runtime("nodejs24.x")->client_name == "aws-lambda-ric 4.0.2");
    CHECK(find_managed_runtime("nodejs16.x") == nullptr);
    // Managed Instances run Node.js 22 with the client that has a multi-concurrent mode.
    CHECK(find_managed_instances_runtime("nodejs22.x")->client_name == "aws-lambda-ric 4.0.2");
    CHECK(find_managed_instances_runtime("nodejs22.x")->id == "nodejs22.x");
    CHECK(find_managed_instances_runtime("python3.13") == find_managed_runtime("python3.13"));
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

TEST_CASE("a Python runtime's module path is the task, the layers' folders for its version, then the client")
{
    const auto variables =
        managed_runtime_variables(*find_managed_runtime("python3.12"), {"/var/task", "/var/runtime"});
    const core::Variables expected{
        {"AWS_EXECUTION_ENV", "AWS_Lambda_python3.12"},
        {"LAMBDA_RUNTIME_DIR", "/var/runtime"},
        {"PYTHONPATH", "/var/task:/opt/python/lib/python3.12/site-packages:/opt/python:/var/runtime"},
    };
    CHECK(variables == expected);
}

TEST_CASE("a Java runtime's heap is Lambda's: 85% of the memory, or all but 240 MB when that is more")
{
    // As seen in Lambda's java17 command lines (-XX:MaxHeapSize=...k), to within 1 KiB of rounding.
    CHECK(lambda_java_heap_kb(128) == 111412);
    CHECK(lambda_java_heap_kb(512) == 445645);
    CHECK(lambda_java_heap_kb(1024) == 891290);
    CHECK(lambda_java_heap_kb(2045) == 1848320);
    CHECK(lambda_java_heap_kb(10238) == 10237952);
    // Java adds no module path variable: its client finds the function in its working directory.
    const auto variables = managed_runtime_variables(*find_managed_runtime("java21"), {"/var/task", "/var/runtime"});
    CHECK(variables ==
          core::Variables{{"AWS_EXECUTION_ENV", "AWS_Lambda_java21"}, {"LAMBDA_RUNTIME_DIR", "/var/runtime"}});
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

TEST_CASE("a runtime Lambda has deprecated runs as the nearest one of its language")
{
    using lambda_emu::nearest_to_deprecated_runtime;
    const auto nearest = [](std::string_view id) {
        const auto* runtime = nearest_to_deprecated_runtime(id);
        return runtime ? std::string{runtime->id} : std::string{};
    };
    CHECK(nearest("nodejs14.x") == "nodejs18.x");
    CHECK(nearest("nodejs16.x") == "nodejs18.x");
    CHECK(nearest("python3.8") == "python3.10");
    CHECK(nearest("python3.9") == "python3.10");
    CHECK(nearest("java8.al2") == "java17");
    CHECK(nearest("java11") == "java17");
    CHECK(nearest("nodejs20.x").empty()); // supported: not deprecated
    CHECK(nearest("ruby2.7").empty());    // a language lambda-emu does not provide
}
