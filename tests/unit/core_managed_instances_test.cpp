// Lambda Managed Instances in the core: an environment holds several invocations at once, each
// with its own deadline, answered and ended on its own; and the default model is untouched.
#include "cli/managed_instances.hpp"
#include "core/runtime_environment.hpp"
#include "fake_ports.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace lambda_emu;
using core::Millis;
using lambda_emu::testing::Harness;

namespace {

core::FunctionConfig managed_instances(int max_concurrency)
{
    core::FunctionConfig config;
    config.name = "fn";
    config.memory_mb = 2048;
    config.execution_model = core::ExecutionModel::ManagedInstances;
    config.max_concurrency = max_concurrency;
    return config;
}

// Init done with `polls` of the runtime's workers parked on /next.
void warm_with_polls(Harness& h, int polls)
{
    h.environment.start_init();
    for (int i = 0; i < polls; ++i) REQUIRE_FALSE(h.next());
    REQUIRE(h.environment.phase() == core::Phase::Idle);
}

} // namespace

TEST_CASE("Managed Instances: four invocations run at once, each on its own poll, and end in the order answered")
{
    Harness h{managed_instances(4)};
    warm_with_polls(h, 4);
    for (int i = 0; i < 4; ++i) h.invoke();
    REQUIRE(h.delivered.size() == 4);
    CHECK(h.environment.invocations_held() == 4);
    CHECK_FALSE(h.environment.takes_another_invocation());

    // The fifth finds no room: the caller of the environment (serve's pool) must go elsewhere.
    core::InvokeRequest fifth;
    fifth.payload = core::make_payload("{}");
    CHECK(h.environment.invoke(std::move(fifth), [](core::InvokeResult) {}) == core::InvokeRefusal::Busy);

    h.clock.advance(Millis{30});
    CHECK_FALSE(h.respond("req-3"));
    h.clock.advance(Millis{20});
    CHECK_FALSE(h.respond("req-1"));
    // Each answer ends its invocation at once: no /next ties a worker's answer to its next poll.
    REQUIRE(h.observer.finished.size() == 2);
    CHECK(h.observer.finished[0].request_id == "req-3");
    CHECK(h.observer.finished[0].duration_ms == doctest::Approx(30));
    CHECK(h.observer.finished[1].request_id == "req-1");
    CHECK(h.observer.finished[1].duration_ms == doctest::Approx(50));
    CHECK(h.environment.phase() == core::Phase::Invoke);
    CHECK(h.environment.takes_another_invocation());

    CHECK_FALSE(h.respond("req-2"));
    CHECK_FALSE(h.respond("req-4"));
    CHECK(h.results.size() == 4);
    CHECK(h.environment.phase() == core::Phase::Idle);
    // Never frozen: Managed Instances' environments run on between invocations.
    CHECK(std::find(h.processes.journal.begin(), h.processes.journal.end(), "freeze") == h.processes.journal.end());
}

TEST_CASE("Managed Instances: a second answer for one invocation is refused, another's is taken")
{
    Harness h{managed_instances(2)};
    warm_with_polls(h, 2);
    h.invoke();
    h.invoke();
    CHECK_FALSE(h.respond("req-1"));
    const auto again = h.respond("req-1");
    REQUIRE(again);
    CHECK(again->kind == core::RuntimeCallErrorKind::InvalidRequestId);
    CHECK_FALSE(h.respond("req-2"));
    const auto unknown = h.respond("nope");
    REQUIRE(unknown);
    CHECK(unknown->kind == core::RuntimeCallErrorKind::InvalidRequestId);
}

TEST_CASE("Managed Instances: an invocation with no poll waiting is delivered at the runtime's next /next")
{
    Harness h{managed_instances(3)};
    warm_with_polls(h, 1);
    h.invoke();
    h.invoke();
    REQUIRE(h.delivered.size() == 1);
    h.clock.advance(Millis{5});
    CHECK_FALSE(h.next());
    REQUIRE(h.delivered.size() == 2);
    CHECK(h.delivered[1].request_id == "req-2");
    // Its clock ran from the invoke, not from the poll.
    CHECK(h.delivered[1].deadline_epoch_ms == h.clock.epoch_ms(h.clock.now() - Millis{5} + Millis{3000}));
}

TEST_CASE("Managed Instances: polls beyond the maximum concurrency wait; invocations stay capped by it")
{
    // AWS's Node.js client keeps a poll open per worker thread, 8 per CPU, whatever the maximum.
    Harness h{managed_instances(2)};
    warm_with_polls(h, 6);
    h.invoke();
    h.invoke();
    CHECK(h.delivered.size() == 2);
    CHECK_FALSE(h.environment.takes_another_invocation());
    CHECK_FALSE(h.respond("req-2"));
    h.invoke();
    CHECK(h.delivered.size() == 3); // a parked poll took it at once
}

TEST_CASE("Managed Instances: a timeout fails that invocation alone; the others finish and the environment stays")
{
    auto config = managed_instances(3);
    config.timeout = Millis{1000};
    Harness h{config};
    warm_with_polls(h, 3);
    h.invoke();
    h.clock.advance(Millis{400});
    h.invoke();
    h.invoke();
    // One timer for all: armed for the earliest deadline.
    CHECK(h.timers.armed.at(core::TimerSlot::InvokeDeadline) == h.clock.now() + Millis{600});
    h.fire(core::TimerSlot::InvokeDeadline);

    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].request_id == "req-1");
    CHECK(h.results[0].outcome == core::InvokeOutcome::Timeout);
    CHECK(h.results[0].error_type == "Sandbox.Timedout");
    REQUIRE(h.observer.finished.size() == 1);
    CHECK(h.observer.finished[0].status == core::InvokeStatus::Timeout);
    CHECK(h.observer.shutdowns.empty());
    CHECK(h.processes.sigterms == 0);
    CHECK(h.environment.phase() == core::Phase::Invoke);
    // The next deadline is the others'.
    CHECK(h.timers.armed.at(core::TimerSlot::InvokeDeadline) == h.clock.now() + Millis{400});

    // The code that timed out ran on; its late answer gets 410 InvokeTimeout.
    const auto late = h.respond("req-1");
    REQUIRE(late);
    CHECK(late->kind == core::RuntimeCallErrorKind::InvokeTimedOut);
    CHECK_FALSE(h.respond("req-2"));
    CHECK_FALSE(h.respond("req-3"));
    CHECK(h.results.size() == 3);
    CHECK(h.results[1].outcome == core::InvokeOutcome::Success);
    CHECK(h.environment.phase() == core::Phase::Idle);
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InvokeDeadline));
}

TEST_CASE("Managed Instances: the runtime's crash fails every invocation in flight with Runtime.ExitError")
{
    Harness h{managed_instances(3)};
    warm_with_polls(h, 3);
    h.invoke();
    h.invoke();
    h.invoke();
    CHECK_FALSE(h.respond("req-2"));
    h.environment.on_runtime_exited(core::ExitStatus::exited(3));
    REQUIRE(h.results.size() == 3);
    CHECK(h.results[0].request_id == "req-2");
    CHECK(h.results[0].outcome == core::InvokeOutcome::Success); // answered before the crash: kept
    for (const auto& result : {h.results[1], h.results[2]}) {
        CHECK(result.request_id != "req-2");
        CHECK(result.outcome == core::InvokeOutcome::RuntimeExit);
        CHECK(result.error_type == "Runtime.ExitError");
    }
    CHECK(h.observer.finished.size() == 3);
    CHECK(h.environment.invocations_held() == 0);
}

TEST_CASE("Managed Instances: a shutdown with invocations in flight interrupts each of them, then signals")
{
    Harness h{managed_instances(4)};
    warm_with_polls(h, 4);
    h.invoke();
    h.invoke();
    h.environment.shutdown();
    REQUIRE(h.results.size() == 2);
    for (const auto& result : h.results) CHECK(result.outcome == core::InvokeOutcome::Interrupted);
    CHECK(h.observer.finished.size() == 2);
    CHECK(h.environment.phase() == core::Phase::Shutdown);
}

TEST_CASE("Managed Instances: extensions may register for SHUTDOWN only")
{
    Harness h{managed_instances(2)};
    h.environment.start_init();
    const auto invoke = h.environment.extension_register("logger", {"INVOKE", "SHUTDOWN"});
    REQUIRE(std::holds_alternative<core::ExtensionCallError>(invoke));
    CHECK(std::get<core::ExtensionCallError>(invoke).kind == core::ExtensionCallErrorKind::InvalidEventType);
}

TEST_CASE("on demand, a poll's successor replaces it and an environment takes one invocation at a time")
{
    Harness h;
    h.warm();
    CHECK_FALSE(h.next()); // a second poll replaces the first
    h.invoke();
    CHECK(h.delivered.size() == 1);
    CHECK_FALSE(h.environment.takes_another_invocation());
    core::InvokeRequest second;
    second.payload = core::make_payload("{}");
    CHECK(h.environment.invoke(std::move(second), [](core::InvokeResult) {}) == core::InvokeRefusal::Busy);
}

TEST_CASE("Managed Instances: the runtime learns the maximum concurrency and the initialization type")
{
    const auto config = managed_instances(8);
    core::RuntimeEnvironmentInputs inputs;
    inputs.runtime_api = "127.0.0.1:9001";
    const auto env = core::runtime_environment(config, inputs);
    auto has = [&](const std::string& entry) { return std::find(env.begin(), env.end(), entry) != env.end(); };
    CHECK(has("AWS_LAMBDA_MAX_CONCURRENCY=8"));
    CHECK(has("AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances"));
    // A customer cannot set it: it is Lambda's.
    CHECK(core::reserved_variable_error("AWS_LAMBDA_MAX_CONCURRENCY").has_value());
}

TEST_CASE("Managed Instances are created only with Lambda's concurrency range, memory and runtimes")
{
    CHECK_FALSE(managed_instances_problem(4, 2048, 2.0, "nodejs22.x"));
    CHECK_FALSE(managed_instances_problem(1600, 4096, 8.0, "provided.al2023"));
    CHECK(managed_instances_problem(0, 2048, 2.0, "nodejs22.x")->find("1 to 1600") != std::string::npos);
    CHECK(managed_instances_problem(1601, 2048, 2.0, "nodejs22.x"));
    CHECK(managed_instances_problem(4, 1024, 2.0, "nodejs22.x")->find("greater than or equal to 2048") !=
          std::string::npos);
    CHECK(managed_instances_problem(4, 2048, 2.0, "python3.11")->find("python3.13 and later") != std::string::npos);
    CHECK(managed_instances_problem(4, 2048, 2.0, "nodejs20.x"));
    CHECK(managed_instances_problem(4, 2048, 1.0, "java21"));
    CHECK(managed_instances_vcpus(4096, 2.0) == doctest::Approx(2.0));
    CHECK(default_max_concurrency("nodejs22.x", 1.0) == 64);
    CHECK(default_max_concurrency("python3.13", 2.0) == 32);
}
