// Lambda's fixed rules, as pure functions: shutdown budgets, error-type normalisation, the
// runtime's environment variables.
#include "core/runtime_calls.hpp"
#include "core/runtime_environment.hpp"
#include "core/shutdown.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace lambda_emu;
using core::Millis;

TEST_CASE("shutdown budget follows what registered (LAMBDA-SPEC 4.4)")
{
    const auto none = core::shutdown_budget(0, 0, {});
    CHECK_FALSE(none.send_sigterm);
    CHECK(none.phase == Millis{0});

    const auto internal_only = core::shutdown_budget(1, 0, {});
    CHECK(internal_only.send_sigterm);
    CHECK(internal_only.runtime_share == Millis{500});
    CHECK(internal_only.phase == Millis{500});

    const auto external = core::shutdown_budget(0, 1, {});
    CHECK(external.runtime_share == Millis{300});
    CHECK(external.phase == Millis{2000});

    const auto both = core::shutdown_budget(1, 2, {});
    CHECK(both.runtime_share == Millis{500});
    CHECK(both.phase == Millis{2000});
}

TEST_CASE("--runtime-grace and --shutdown-budget override the shares and say so")
{
    core::ShutdownOverrides overrides;
    overrides.runtime_grace = Millis{800};
    overrides.shutdown_budget = Millis{5000};
    const auto budget = core::shutdown_budget(0, 1, overrides);
    CHECK(budget.runtime_share == Millis{800});
    CHECK(budget.phase == Millis{5000});
    CHECK(budget.source.find("--runtime-grace") != std::string::npos);
    CHECK(budget.source.find("--shutdown-budget") != std::string::npos);
    // Without any extension there is no SIGTERM to give grace to.
    CHECK_FALSE(core::shutdown_budget(0, 0, overrides).send_sigterm);
}

TEST_CASE("error types are normalised as RAPID does")
{
    CHECK(core::normalized_error_type("Runtime.NoSuchHandler") == "Runtime.NoSuchHandler");
    CHECK(core::normalized_error_type("Function.Crash") == "Function.Crash");
    CHECK(core::normalized_error_type("Function.lower") == "Function.Unknown");
    CHECK(core::normalized_error_type("errorString") == "Runtime.Unknown");
    CHECK(core::normalized_error_type("") == "Runtime.Unknown");
}

TEST_CASE("the runtime gets Lambda's variables and nothing else")
{
    core::FunctionConfig config;
    config.name = "orders";
    config.memory_mb = 512;
    core::RuntimeEnvironmentInputs inputs;
    inputs.runtime_api = "127.0.0.1:9001";
    inputs.task_root = "/code";
    inputs.log_stream_name = "2026/11/22/[$LATEST]abc";
    inputs.path = "/usr/bin:/bin";
    inputs.customer = {{"TABLE", "t1"}, {"TZ", "Europe/Paris"}};
    const auto env = core::runtime_environment(config, inputs);
    auto has = [&](const std::string& entry) { return std::find(env.begin(), env.end(), entry) != env.end(); };
    CHECK(has("AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"));
    CHECK(has("AWS_LAMBDA_FUNCTION_NAME=orders"));
    CHECK(has("AWS_LAMBDA_FUNCTION_VERSION=$LATEST"));
    CHECK(has("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512"));
    CHECK(has("AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/orders"));
    CHECK(has("AWS_LAMBDA_INITIALIZATION_TYPE=on-demand"));
    CHECK(has("LAMBDA_TASK_ROOT=/code"));
    CHECK(has("_HANDLER=function.handler"));
    CHECK(has("AWS_REGION=us-east-1"));
    CHECK(has("TABLE=t1"));
    CHECK(has("TZ=Europe/Paris")); // unreserved: the customer may override it
    CHECK_FALSE(has("TZ=:UTC"));
    CHECK(std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.rfind("AWS_EXECUTION_ENV=", 0) == 0; }));
}

TEST_CASE("reserved variables are refused with a reason")
{
    CHECK(core::reserved_variable_error("AWS_REGION")->find("--region") != std::string::npos);
    CHECK(core::reserved_variable_error("LAMBDA_TASK_ROOT").has_value());
    CHECK(core::reserved_variable_error("AWS_SECRET_ACCESS_KEY").has_value());
    CHECK_FALSE(core::reserved_variable_error("PATH").has_value());
    CHECK_FALSE(core::reserved_variable_error("MY_SETTING").has_value());
    CHECK(core::reserved_variable_error("").has_value());
}
