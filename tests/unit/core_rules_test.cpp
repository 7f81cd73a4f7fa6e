// Lambda's fixed rules, as pure functions: shutdown budgets, cleanup verdicts, error-type
// normalisation, the runtime's environment variables.
#include "core/runtime_calls.hpp"
#include "core/runtime_environment.hpp"
#include "core/shutdown.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>

using namespace lambda_emu;
using core::Millis;

TEST_CASE("shutdown budget follows what registered (docs/lambda-rules.md §4.4)")
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

namespace {

// A process record as the Shutdown phase leaves it: signalled at 0 ms, its exit seen at 120 ms.
core::ProcessCleanup exited_after_sigterm(core::ExitStatus status)
{
    core::ProcessCleanup process;
    const core::SteadyTime start{std::chrono::seconds{1000}};
    process.sigterm_at = start;
    process.deadline = start + Millis{300};
    process.exit_observed_at = start + Millis{120};
    process.exit_status = status;
    return process;
}

constexpr auto exit_code = core::ExitStatus::exited;
constexpr auto killed_by = core::ExitStatus::killed_by;

} // namespace

TEST_CASE("a process that exits before its deadline is graceful, even when SIGTERM ended it")
{
    CHECK(core::verdict_of(exited_after_sigterm(exit_code(0))) == core::Verdict::Graceful);
    CHECK(core::verdict_of(exited_after_sigterm(exit_code(3))) == core::Verdict::Graceful);
    CHECK(core::verdict_of(exited_after_sigterm(killed_by(SIGTERM))) == core::Verdict::Graceful);
}

TEST_CASE("a process still alive at its deadline is killed, and so is one whose exit was never seen")
{
    auto at_deadline = exited_after_sigterm(killed_by(SIGKILL));
    at_deadline.sigkill_at = at_deadline.deadline;
    at_deadline.exit_observed_at = *at_deadline.deadline + Millis{1};
    CHECK(core::verdict_of(at_deadline) == core::Verdict::Killed);

    auto never_seen = exited_after_sigterm(exit_code(0));
    never_seen.sigkill_at = never_seen.deadline;
    never_seen.exit_observed_at.reset();
    never_seen.exit_status.reset();
    CHECK(core::verdict_of(never_seen) == core::Verdict::Killed);
}

TEST_CASE("a process that dies of a signal other than SIGTERM crashed")
{
    CHECK(core::verdict_of(exited_after_sigterm(killed_by(SIGSEGV))) == core::Verdict::Crashed);
}

TEST_CASE("a process Lambda's rules kill without notice is not-signalled, unless its exit was never seen")
{
    core::ProcessCleanup process;
    const core::SteadyTime start{std::chrono::seconds{1000}};
    process.sigkill_at = start;
    process.deadline = start;
    process.killed_at_once = true;
    process.exit_observed_at = start + Millis{2};
    process.exit_status = killed_by(SIGKILL);
    CHECK(core::verdict_of(process) == core::Verdict::NotSignalled);

    process.exit_observed_at.reset();
    CHECK(core::verdict_of(process) == core::Verdict::Killed);
}

TEST_CASE("a process that exited before the Shutdown phase crashed: its exit caused the reset")
{
    core::ProcessCleanup process;
    process.exited_before_shutdown = true;
    process.exit_status = exit_code(0);
    CHECK(core::verdict_of(process) == core::Verdict::Crashed);
    process.exit_status = killed_by(SIGTERM);
    CHECK(core::verdict_of(process) == core::Verdict::Crashed);
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
    CHECK(std::none_of(env.begin(), env.end(),
                       [](const std::string& e) { return e.rfind("AWS_EXECUTION_ENV=", 0) == 0; }));
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
