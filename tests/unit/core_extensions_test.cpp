// Extensions in the core: Init and Invoke gating, and the Shutdown phase's order and deadlines,
// driven through fakes and a hand-moved clock.
#include "core/cpu_allocation.hpp"
#include "fake_ports.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <memory>

using namespace lambda_emu;
using core::Millis;
using lambda_emu::testing::Harness;

namespace {

std::string registered_id(std::variant<core::Registration, core::ExtensionCallError> result)
{
    REQUIRE(std::holds_alternative<core::Registration>(result));
    return std::get<core::Registration>(result).extension_id;
}

struct ExtensionHarness : Harness {
    std::vector<core::ExtensionEvent> events;
    core::ExtensionCallResult extension_next(const std::string& id)
    {
        return environment.extension_next(id, [this](const core::ExtensionEvent& event) { events.push_back(event); });
    }
    // Launches these external extensions, registers each for its events, and completes Init.
    std::vector<std::string> initialise(const std::vector<std::pair<std::string, std::vector<std::string>>>& externals)
    {
        for (const auto& [name, subscribed] : externals) processes.external_extensions.push_back(name);
        environment.start_init();
        std::vector<std::string> ids;
        for (const auto& [name, subscribed] : externals)
            ids.push_back(registered_id(environment.extension_register(name, subscribed)));
        next();
        for (const auto& id : ids) extension_next(id);
        REQUIRE(environment.phase() == core::Phase::Idle);
        return ids;
    }
};

} // namespace

TEST_CASE("the runtime starts only after every external extension registered")
{
    ExtensionHarness h;
    h.processes.external_extensions = {"logger", "agent"};
    h.environment.start_init();
    CHECK(h.processes.starts == 0);
    const auto logger = registered_id(h.environment.extension_register("logger", {"INVOKE", "SHUTDOWN"}));
    CHECK(h.processes.starts == 0);
    const auto agent = registered_id(h.environment.extension_register("agent", {"SHUTDOWN"}));
    CHECK(h.processes.starts == 1);

    // Init ends when the runtime and every extension called next, in any order.
    h.next();
    CHECK(h.environment.phase() == core::Phase::Init);
    h.extension_next(logger);
    CHECK(h.environment.phase() == core::Phase::Init);
    h.extension_next(agent);
    CHECK(h.environment.phase() == core::Phase::Idle);
}

TEST_CASE("INVOKE goes to subscribed extensions with the runtime's deadline; the invocation waits for them")
{
    ExtensionHarness h;
    h.processes.external_extensions = {"logger", "agent"};
    h.environment.start_init();
    const auto logger = registered_id(h.environment.extension_register("logger", {"INVOKE", "SHUTDOWN"}));
    const auto agent = registered_id(h.environment.extension_register("agent", {"SHUTDOWN"}));
    h.next();
    h.extension_next(logger);
    h.extension_next(agent);

    h.invoke();
    REQUIRE(h.events.size() == 1); // only the INVOKE subscriber
    CHECK(h.events[0].type == core::ExtensionEvent::Type::Invoke);
    CHECK(h.events[0].deadline_ms == h.delivered[0].deadline_epoch_ms);
    CHECK(h.events[0].request_id == h.delivered[0].request_id);

    h.clock.advance(Millis{5});
    h.respond(h.delivered[0].request_id);
    REQUIRE(h.results.size() == 1); // the caller has its answer at once
    h.next();
    CHECK(h.observer.finished.empty()); // but the invocation goes on while the extension works
    h.clock.advance(Millis{20});
    h.extension_next(logger);
    REQUIRE(h.observer.finished.size() == 1);
    CHECK(h.observer.finished[0].duration_ms == doctest::Approx(25));
}

TEST_CASE("shutdown with an external extension: SIGTERM, runtime share 300 ms, then SHUTDOWN with the phase's end")
{
    ExtensionHarness h;
    h.initialise({{"logger", {"SHUTDOWN"}}});
    const core::SteadyTime phase_start = h.clock.now();
    h.environment.shutdown();
    CHECK(h.processes.sigterms == 1);
    CHECK(h.processes.sigkills == 0);
    CHECK(h.events.empty()); // extensions only after the runtime is gone
    CHECK(h.timers.armed.at(core::TimerSlot::RuntimeShare) == phase_start + Millis{300});

    h.fire(core::TimerSlot::RuntimeShare); // it ignored SIGTERM
    CHECK(h.processes.sigkills == 1);
    h.clock.advance(Millis{2});
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));
    REQUIRE(h.events.size() == 1);
    CHECK(h.events[0].type == core::ExtensionEvent::Type::Shutdown);
    CHECK(h.events[0].shutdown_reason == "spindown");
    CHECK(h.events[0].deadline_ms == h.clock.epoch_ms(phase_start + Millis{2000}));

    h.clock.advance(Millis{50});
    h.environment.on_extension_exited("logger", core::ExitStatus::exited(0));
    REQUIRE(h.observer.shutdowns.size() == 1);
    const auto& report = h.observer.shutdowns[0];
    CHECK(report.processes[0].verdict == core::Verdict::Killed);
    CHECK(*core::offset_ms(report, report.processes[0].sigkill_at) == doctest::Approx(300));
    CHECK(report.processes[1].verdict == core::Verdict::Graceful);
    CHECK(*core::cleanup_duration_ms(report.processes[1]) == doctest::Approx(50));
}

TEST_CASE("the socket tables are read shortly before a deadline, not at it, so SIGKILL is not delayed")
{
    ExtensionHarness h;
    h.initialise({{"logger", {"SHUTDOWN"}}});
    const core::SteadyTime phase_start = h.clock.now();
    h.environment.shutdown();
    const core::SteadyTime deadline = phase_start + Millis{300};
    // The periodic looks, up to the deadline, as the event loop would fire them.
    while (h.timers.armed.at(core::TimerSlot::EvidenceLook) < deadline) {
        h.processes.looks_and_kills.clear();
        h.fire(core::TimerSlot::EvidenceLook);
    }
    // The last look before the deadline came kTablesReadBeforeDeadline before it, and read afresh.
    CHECK(h.clock.now() == deadline - core::kTablesReadBeforeDeadline);
    CHECK(h.processes.looks_and_kills == std::vector<std::string>{"fresh look at runtime", "look at logger"});
    h.processes.looks_and_kills.clear();
    h.fire(core::TimerSlot::RuntimeShare);
    CHECK(h.processes.looks_and_kills == std::vector<std::string>{"look at runtime", "sigkill"});
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));
    h.environment.on_extension_exited("logger", core::ExitStatus::exited(0));
    REQUIRE(h.observer.shutdowns.size() == 1);
    CHECK(h.observer.shutdowns[0].processes[0].sigkill_at == deadline);
}

TEST_CASE("a look that ends past the deadline is not the evidence: the host's kill may have met a dying process")
{
    ExtensionHarness h;
    h.initialise({{"logger", {"SHUTDOWN"}}});
    const core::SteadyTime phase_start = h.clock.now();
    h.environment.shutdown();
    const core::SteadyTime deadline = phase_start + Millis{300};
    while (h.timers.armed.at(core::TimerSlot::EvidenceLook) < deadline - core::kTablesReadBeforeDeadline)
        h.fire(core::TimerSlot::EvidenceLook);
    h.fire(core::TimerSlot::EvidenceLook); // the look shortly before the deadline: the evidence
    h.processes.looks_and_kills.clear();
    // The next one begins just before the deadline and, on a loaded machine, ends after it.
    h.clock.advance(std::chrono::duration_cast<Millis>(deadline - h.clock.now()) - Millis{1});
    h.processes.on_look = [&h] { h.clock.advance(Millis{2}); };
    h.environment.on_timer(core::TimerSlot::EvidenceLook);
    h.processes.on_look = nullptr;
    REQUIRE_FALSE(h.processes.looks_and_kills.empty()); // it did look
    h.processes.arranged_kills_fire = true;
    h.fire(core::TimerSlot::RuntimeShare);
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));
    h.environment.on_extension_exited("logger", core::ExitStatus::exited(0));
    REQUIRE(h.observer.shutdowns.size() == 1);
    const auto& runtime = h.observer.shutdowns[0].processes[0];
    REQUIRE(runtime.evidence.at_end);
    // Not the late look's sample ("look 1" of the cleared journal), but the one before.
    CHECK(runtime.evidence.at_end->waiting_in != "look 1");
}

TEST_CASE("the shutdown's deadlines are arranged with the host, whose kill time the report takes")
{
    ExtensionHarness h;
    h.initialise({{"stubborn", {"SHUTDOWN"}}});
    const core::SteadyTime phase_start = h.clock.now();
    h.processes.arranged_kills_fire = true; // the host's own thread kills at each deadline
    h.processes.arranged_kill_lateness = std::chrono::microseconds{40};
    h.environment.shutdown();
    REQUIRE(h.processes.arranged.count("runtime") == 1);
    CHECK(h.processes.arranged.at("runtime") == phase_start + Millis{300});
    // The loop's own timer comes late (a busy loop): the kill was sent at the deadline all the same.
    h.clock.advance(Millis{312});
    h.processes.looks_and_kills.clear();
    h.environment.on_timer(core::TimerSlot::RuntimeShare);
    CHECK(h.processes.looks_and_kills == std::vector<std::string>{"sigkill"}); // no look after the kill
    // The kill's exit reported before the extensions' deadline timer: SHUTDOWN went out, the
    // extension's kill was arranged for the phase's end.
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));
    REQUIRE(h.processes.arranged.count("stubborn") == 1);
    CHECK(h.processes.arranged.at("stubborn") == phase_start + Millis{2000});
    // Its exit reaches the core before the deadline's timer does: still a kill at the deadline.
    h.clock.advance(Millis{1700});
    h.environment.on_extension_exited("stubborn", core::ExitStatus::killed_by(SIGKILL));
    REQUIRE(h.observer.shutdowns.size() == 1);
    const auto& report = h.observer.shutdowns[0];
    CHECK(*core::offset_ms(report, report.processes[0].sigkill_at) == doctest::Approx(300.04));
    CHECK(report.processes[0].verdict == core::Verdict::Killed);
    CHECK(*core::offset_ms(report, report.processes[1].sigkill_at) == doctest::Approx(2000.04));
    CHECK(report.processes[1].verdict == core::Verdict::Killed);
    CHECK(h.processes.arranged.empty());
}

TEST_CASE("a deadline the host could not keep is kept by the loop's timer, after a last look")
{
    ExtensionHarness h;
    h.initialise({{"logger", {"SHUTDOWN"}}});
    h.environment.shutdown();
    REQUIRE(h.processes.arranged.count("runtime") == 1); // arranged, but the host never fired it
    h.clock.advance(Millis{300});
    h.processes.looks_and_kills.clear();
    h.environment.on_timer(core::TimerSlot::RuntimeShare);
    CHECK(h.processes.looks_and_kills == std::vector<std::string>{"look at runtime", "sigkill"});
    CHECK(h.processes.arranged.empty()); // called off before the loop's own kill
}

TEST_CASE("a runtime that exits in time has its arranged kill called off")
{
    ExtensionHarness h;
    h.initialise({{"logger", {"SHUTDOWN"}}});
    h.environment.shutdown();
    h.clock.advance(Millis{20});
    h.environment.on_runtime_exited(core::ExitStatus::exited(0));
    CHECK(h.processes.arranged.count("runtime") == 0);
    h.environment.on_extension_exited("logger", core::ExitStatus::exited(0));
    CHECK(h.observer.shutdowns.at(0).processes[0].verdict == core::Verdict::Graceful);
}

TEST_CASE("with no extension registered the runtime is killed without a look first")
{
    Harness h;
    h.warm();
    h.processes.looks_and_kills.clear();
    h.environment.shutdown();
    CHECK(h.processes.looks_and_kills == std::vector<std::string>{"sigkill"});
}

TEST_CASE("a runtime killed at its deadline while throttled is told what its CPU cost at its memory size")
{
    core::ProcessCleanup runtime;
    runtime.kind = core::ProcessKind::Runtime;
    runtime.name = "runtime";
    runtime.evidence.at_start = core::ProcessSample{};
    runtime.evidence.at_start->cpu_ms = 10;
    runtime.evidence.at_end = core::ProcessSample{};
    runtime.evidence.at_end->cpu_ms = 35;
    const auto note = core::throttled_diagnostic(runtime, 128, core::lambda_vcpus(128));
    REQUIRE(note);
    CHECK(note->find("used 25 ms of CPU in the phase; at 128 MB Lambda gives 0.072 vCPU, so that is about 346 ms") !=
          std::string::npos);
    CHECK_FALSE(core::throttled_diagnostic(runtime, 1769, core::lambda_vcpus(1769))); // one full vCPU
    CHECK_FALSE(core::throttled_diagnostic(runtime, 128, 0));                         // --cpu host
}

TEST_CASE("an extension the kernel's OOM killer chose fails the invocation with Runtime.OutOfMemory")
{
    ExtensionHarness h;
    h.initialise({{"hog", {"INVOKE"}}});
    h.invoke();
    auto status = core::ExitStatus::killed_by(SIGKILL);
    status.killed_for = core::KilledFor::MemoryLimit;
    h.environment.on_extension_exited("hog", status);
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].error_type == "Runtime.OutOfMemory");
}

TEST_CASE("a shell bootstrap's survivors are counted before the runtime's parked /next is let go")
{
    // Letting the poll go closes its connection; the real runtime under the shell, which holds
    // it, may then exit before the count on a busy machine, and the diagnostic would be lost.
    ExtensionHarness h;
    h.initialise({{"logger", {"SHUTDOWN"}}});
    auto held = std::make_shared<int>(0);
    const std::weak_ptr<int> poll = held;
    h.environment.runtime_next([held = std::move(held)](const core::Invocation&) {}); // replaces the parked one
    bool parked_when_counted = false;
    h.processes.survivors = 1;
    h.processes.on_survivors_counted = [&] { parked_when_counted = !poll.expired(); };
    h.environment.shutdown();
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGTERM));
    CHECK(parked_when_counted);
    CHECK(poll.expired()); // let go right after
}

TEST_CASE("an external extension still running at the end of the phase is killed")
{
    ExtensionHarness h;
    h.initialise({{"stubborn", {"SHUTDOWN"}}});
    h.environment.shutdown();
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGTERM));
    h.fire(core::TimerSlot::ExtensionsDeadline);
    REQUIRE(h.processes.killed_extensions == std::vector<std::string>{"stubborn"});
    h.environment.on_extension_exited("stubborn", core::ExitStatus::killed_by(SIGKILL));
    const auto& report = h.observer.shutdowns.at(0);
    CHECK(report.processes[0].verdict == core::Verdict::Graceful); // died of SIGTERM: it obeyed
    CHECK(report.processes[1].verdict == core::Verdict::Killed);
}

TEST_CASE("extensions not subscribed to SHUTDOWN are killed once the runtime is gone")
{
    ExtensionHarness h;
    h.initialise({{"invoke-only", {"INVOKE"}}});
    h.environment.shutdown();
    CHECK(h.processes.killed_extensions.empty());
    h.environment.on_runtime_exited(core::ExitStatus::exited(0));
    CHECK(h.processes.killed_extensions == std::vector<std::string>{"invoke-only"});
    CHECK(h.events.size() == 0);
}

TEST_CASE("an internal extension alone gives the runtime SIGTERM and 500 ms")
{
    ExtensionHarness h;
    h.environment.start_init();
    const auto id = registered_id(h.environment.extension_register("sigterm-enabler", {}));
    h.extension_next(id);
    h.next();
    CHECK(h.environment.phase() == core::Phase::Idle);
    h.environment.shutdown();
    CHECK(h.processes.sigterms == 1);
    CHECK(h.timers.armed.at(core::TimerSlot::RuntimeShare) - h.clock.now() == Millis{500});
}

TEST_CASE("registration rules: names, events, duplicates, internal SHUTDOWN, closing, the limit of 10")
{
    ExtensionHarness h;
    h.processes.external_extensions = {"ext"};
    h.environment.start_init();
    auto refused = [&](const std::string& name, std::vector<std::string> events) {
        auto result = h.environment.extension_register(name, events);
        REQUIRE(std::holds_alternative<core::ExtensionCallError>(result));
        return std::get<core::ExtensionCallError>(result);
    };
    CHECK(refused("", {}).kind == core::ExtensionCallErrorKind::InvalidExtensionName);
    CHECK(refused("ext", {"INVOKE", "BOGUS"}).message == "BOGUS: ErrorInvalidEventType");
    registered_id(h.environment.extension_register("ext", {"SHUTDOWN"}));
    CHECK(refused("ext", {}).message == "Extension with this name already registered");
    CHECK(refused("internal", {"SHUTDOWN"}).message == "SHUTDOWN: ShutdownEventNotSupportedForInternalExtension");
    for (int n = 0; n < 9; ++n) registered_id(h.environment.extension_register("internal-" + std::to_string(n), {}));
    CHECK(refused("one-too-many", {}).kind == core::ExtensionCallErrorKind::TooManyExtensions);
    h.next(); // the runtime's first /next closes registration
    CHECK(refused("late", {}).kind == core::ExtensionCallErrorKind::RegistrationClosed);
}

TEST_CASE("an extension that crashes mid-invocation fails it with Extension.Crash and resets with reason failure")
{
    ExtensionHarness h;
    h.initialise({{"fragile", {"INVOKE"}}, {"logger", {"SHUTDOWN"}}});
    h.invoke();
    h.environment.on_extension_exited("fragile", core::ExitStatus::exited(3));
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::ExtensionFailure);
    CHECK(h.results[0].error_type == "Extension.Crash");
    CHECK(h.environment.phase() == core::Phase::Shutdown);
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGTERM));
    REQUIRE(h.events.size() == 2);
    CHECK(h.events[1].shutdown_reason == "failure");
}

TEST_CASE("extension init/error fails Init with Extension.InitError once the extension exits")
{
    ExtensionHarness h;
    h.processes.external_extensions = {"broken"};
    h.environment.start_init();
    const auto id = registered_id(h.environment.extension_register("broken", {}));
    CHECK_FALSE(h.environment.extension_init_error(id, "Extension.ConfigInvalid"));
    CHECK(h.observer.inits.empty());
    h.environment.on_extension_exited("broken", core::ExitStatus::exited(1));
    REQUIRE(h.observer.inits.size() == 1);
    CHECK(h.observer.inits[0].error_type == "Extension.InitError");
    auto refused = h.environment.extension_next("no-such-id", [](const core::ExtensionEvent&) {});
    REQUIRE(refused);
    CHECK(refused->kind == core::ExtensionCallErrorKind::UnknownExtensionIdentifier);
}
