// The freeze between invocations (docs/lambda-rules.md §4.5): when the core counts the environment as idle
// and asks for it to be frozen, and that it is thawed before the next event and before SIGTERM.
#include "fake_ports.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;
using lambda_emu::testing::Harness;

namespace {

struct FreezeHarness : Harness {
    std::vector<core::ExtensionEvent> events;
    std::vector<bool> frozen_at_delivery; // whether the processes were frozen as each event went out

    core::RuntimeCallResult parked_next()
    {
        return environment.runtime_next([this](const core::Invocation& invocation) {
            frozen_at_delivery.push_back(processes.frozen);
            delivered.push_back(invocation);
        });
    }
    core::ExtensionCallResult extension_next(const std::string& id)
    {
        return environment.extension_next(id, [this](const core::ExtensionEvent& event) {
            frozen_at_delivery.push_back(processes.frozen);
            events.push_back(event);
        });
    }
    // Init with one external extension subscribed to `events`; returns its identifier.
    std::string initialise_with_extension(std::vector<std::string> subscribed)
    {
        processes.external_extensions = {"agent"};
        environment.start_init();
        auto registered = environment.extension_register("agent", subscribed);
        REQUIRE(std::holds_alternative<core::Registration>(registered));
        const std::string id = std::get<core::Registration>(registered).extension_id;
        parked_next();
        extension_next(id);
        REQUIRE(environment.phase() == core::Phase::Idle);
        return id;
    }
};

} // namespace

TEST_CASE("an environment initialised ahead of any invocation is frozen until one comes")
{
    FreezeHarness h;
    h.environment.start_init();
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed);
    h.parked_next();
    CHECK(h.environment.phase() == core::Phase::Idle);
    CHECK(h.environment.freeze_state() == core::FreezeState::Frozen);
    CHECK(h.processes.journal == std::vector<std::string>{"freeze"});

    h.invoke();
    REQUIRE(h.delivered.size() == 1);
    CHECK(h.frozen_at_delivery == std::vector<bool>{false}); // thawed before the runtime got it
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed);
}

TEST_CASE("an invocation held behind a cold Init is delivered without a freeze in between")
{
    FreezeHarness h;
    h.environment.start_init();
    h.invoke();
    h.parked_next();
    REQUIRE(h.delivered.size() == 1);
    CHECK(h.processes.journal.empty());
}

TEST_CASE("the runtime's /next after its answer freezes the environment when no extension subscribed to INVOKE")
{
    FreezeHarness h;
    h.warm();
    h.invoke();
    const std::string id = h.delivered.back().request_id;
    h.processes.journal.clear();

    h.respond(id);
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed); // answered, but still running
    h.parked_next();
    CHECK(h.environment.freeze_state() == core::FreezeState::Frozen);
    CHECK(h.processes.journal == std::vector<std::string>{"freeze"});
}

TEST_CASE("the environment is idle only once every INVOKE subscriber called /event/next too")
{
    FreezeHarness h;
    const std::string agent = h.initialise_with_extension({"INVOKE", "SHUTDOWN"});
    h.invoke();
    REQUIRE(h.events.size() == 1);
    const std::string id = h.delivered.back().request_id;

    h.respond(id);
    h.parked_next();
    CHECK(h.environment.phase() == core::Phase::Invoke); // the extension still processes INVOKE
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed);

    h.extension_next(agent);
    CHECK(h.environment.phase() == core::Phase::Idle);
    CHECK(h.environment.freeze_state() == core::FreezeState::Frozen);

    // The next event thaws the runtime and the extension before either gets it.
    h.frozen_at_delivery.clear();
    h.invoke();
    CHECK(h.frozen_at_delivery == std::vector<bool>{false, false});
    CHECK(h.processes.journal.back() == "thaw");
}

TEST_CASE("an extension subscribed to SHUTDOWN only does not hold the freeze back")
{
    FreezeHarness h;
    h.initialise_with_extension({"SHUTDOWN"});
    h.invoke();
    h.respond(h.delivered.back().request_id);
    h.parked_next();
    CHECK(h.environment.freeze_state() == core::FreezeState::Frozen);
}

TEST_CASE("the Shutdown phase of a frozen environment thaws it before SIGTERM")
{
    FreezeHarness h;
    h.initialise_with_extension({"INVOKE", "SHUTDOWN"});
    REQUIRE(h.environment.freeze_state() == core::FreezeState::Frozen);
    h.environment.shutdown();
    CHECK(h.processes.journal == std::vector<std::string>{"freeze", "thaw", "sigterm"});
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed);
    // Once the runtime is gone the extension gets SHUTDOWN, thawed.
    h.frozen_at_delivery.clear();
    h.environment.on_runtime_exited(core::ExitStatus::exited(0));
    REQUIRE(h.events.size() == 1);
    CHECK(h.events[0].type == core::ExtensionEvent::Type::Shutdown);
    CHECK(h.frozen_at_delivery == std::vector<bool>{false});
}

TEST_CASE("a timeout or a crash never leaves the environment frozen")
{
    FreezeHarness h;
    h.warm();
    h.invoke();
    h.fire(core::TimerSlot::InvokeDeadline);
    CHECK(h.environment.phase() == core::Phase::Shutdown);
    CHECK(h.environment.freeze_state() == core::FreezeState::Thawed);
    CHECK(h.processes.journal == std::vector<std::string>{"freeze", "thaw"});
}
