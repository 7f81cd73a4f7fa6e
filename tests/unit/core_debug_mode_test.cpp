// While a debugger listens in the runtime (core/debug_mode.hpp): no freeze between invocations,
// no Init or invocation timeout, the deadline SAM tells; the Shutdown phase keeps its deadlines.
#include "fake_ports.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;
using core::Millis;
using lambda_emu::testing::Harness;

TEST_CASE("while debugging the environment is never frozen, after Init or between invocations")
{
    Harness h{core::DebugMode::Debugging};
    h.warm();
    CHECK(h.environment.phase() == core::Phase::Idle);
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed);
    h.invoke();
    h.respond("req-1");
    h.next();
    REQUIRE(h.observer.finished.size() == 1);
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed);
    CHECK(h.processes.journal.empty()); // neither a freeze nor a thaw was asked for
}

TEST_CASE("without a debugger the same environment is frozen once idle")
{
    Harness h;
    h.warm();
    CHECK(h.environment.freeze_state() == core::FreezeState::Frozen);
    CHECK(h.processes.journal == std::vector<std::string>{"freeze"});
}

TEST_CASE("while debugging neither Init nor an invocation times out, and the runtime is told SAM's ten hours")
{
    Harness h{core::DebugMode::Debugging};
    h.environment.start_init();
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InitDeadline));
    h.clock.advance(Millis{60000}); // six Init limits at a breakpoint in the init code
    h.next();
    REQUIRE(h.observer.inits.size() == 1);
    CHECK(h.observer.inits[0].status == core::InitStatus::Success);

    h.invoke();
    REQUIRE(h.delivered.size() == 1);
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InvokeDeadline));
    CHECK(h.delivered[0].deadline_epoch_ms == h.clock.epoch_ms(h.clock.now() + core::kDebuggingDeadline));
    h.clock.advance(Millis{600000}); // far past the 3 s timeout
    h.respond("req-1");
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::Success);
}

TEST_CASE("while debugging an invocation after a reset runs its suppressed Init without a timer either")
{
    Harness h{core::DebugMode::Debugging};
    h.warm();
    h.invoke();
    h.environment.on_runtime_exited(core::ExitStatus::exited(1)); // a crash mid-invocation: a reset
    REQUIRE(h.results.size() == 1);
    h.invoke();
    CHECK(h.processes.starts == 2);
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InvokeDeadline));
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InitDeadline));
}

TEST_CASE("while debugging the Shutdown phase keeps its deadlines")
{
    Harness h{core::DebugMode::Debugging};
    h.processes.external_extensions = {"agent"};
    h.environment.start_init();
    auto registered = h.environment.extension_register("agent", {"SHUTDOWN"});
    REQUIRE(std::holds_alternative<core::Registration>(registered));
    h.next();
    h.environment.extension_next(std::get<core::Registration>(registered).extension_id, [](const auto&) {});
    REQUIRE(h.environment.phase() == core::Phase::Idle);

    h.environment.shutdown();
    CHECK(h.processes.sigterms == 1);
    CHECK(h.timers.is_armed(core::TimerSlot::RuntimeShare));
    CHECK(h.timers.is_armed(core::TimerSlot::ShutdownGiveUp));
    h.fire(core::TimerSlot::RuntimeShare);
    CHECK(h.processes.sigkills == 1); // the runtime that ignored SIGTERM is killed at its deadline
}
