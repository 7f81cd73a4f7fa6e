// The lifecycle rules of one environment, driven through fakes and a hand-moved clock.
#include "fake_ports.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace lambda_emu;
using core::Millis;
using lambda_emu::testing::Harness;

TEST_CASE("cold Init ends when the runtime first calls /next, and its duration comes from the clock")
{
    Harness h;
    h.environment.start_init();
    CHECK(h.processes.starts == 1);
    CHECK(h.environment.phase() == core::Phase::Init);
    CHECK(h.timers.armed.at(core::TimerSlot::InitDeadline) == h.clock.now() + Millis{10000});
    h.clock.advance(Millis{250});
    CHECK_FALSE(h.next());
    CHECK(h.environment.phase() == core::Phase::Idle);
    REQUIRE(h.observer.inits.size() == 1);
    CHECK(h.observer.inits[0].status == core::InitStatus::Success);
    CHECK(h.observer.inits[0].duration_ms == doctest::Approx(250));
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InitDeadline));
}

TEST_CASE("an invocation reaches the parked runtime with its deadline in epoch milliseconds")
{
    Harness h;
    h.warm();
    h.invoke(R"({"k":1})");
    REQUIRE(h.delivered.size() == 1);
    const auto& invocation = h.delivered[0];
    CHECK(invocation.request_id == "req-1");
    CHECK(*invocation.request.payload == R"({"k":1})");
    CHECK(invocation.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:fn");
    CHECK(invocation.deadline_epoch_ms == h.clock.epoch_ms(h.clock.now() + Millis{3000}));
    CHECK(h.timers.armed.at(core::TimerSlot::InvokeDeadline) == h.clock.now() + Millis{3000});
}

TEST_CASE("the caller gets the response at /response; the invocation ends at the next /next")
{
    Harness h;
    h.warm();
    h.invoke();
    h.clock.advance(Millis{40});
    CHECK_FALSE(h.respond("req-1"));
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::Success);
    CHECK(*h.results[0].payload == R"({"ok":true})");
    CHECK(h.observer.finished.empty());
    h.clock.advance(Millis{10});
    CHECK_FALSE(h.next());
    REQUIRE(h.observer.finished.size() == 1);
    const auto& report = h.observer.finished[0];
    CHECK(report.duration_ms == doctest::Approx(50));
    CHECK(report.billed_duration_ms == 50);
    CHECK(report.max_memory_used_mb == 42);
    CHECK(report.init_duration_ms.has_value()); // first invocation after a cold start
    CHECK(h.environment.phase() == core::Phase::Idle);
}

TEST_CASE("a cold start's Billed Duration includes its Init, as Lambda bills it; a warm one's does not")
{
    Harness h;
    h.environment.start_init();
    h.clock.advance(Millis{120}); // the runtime's Init
    h.next();
    h.invoke();
    h.clock.advance(Millis{30});
    h.respond("req-1");
    h.next();
    h.invoke();
    h.clock.advance(Millis{20});
    h.respond("req-2");
    h.next();
    REQUIRE(h.observer.finished.size() == 2);
    const auto& cold = h.observer.finished[0];
    REQUIRE(cold.init_duration_ms.has_value());
    CHECK(*cold.init_duration_ms == doctest::Approx(120));
    CHECK(cold.billed_duration_ms == 150);
    CHECK(h.observer.finished[1].billed_duration_ms == 20);
}

TEST_CASE("only the first invocation after a cold start reports an Init Duration")
{
    Harness h;
    h.warm();
    h.invoke();
    h.respond("req-1");
    h.next();
    h.invoke();
    h.respond("req-2");
    h.next();
    REQUIRE(h.observer.finished.size() == 2);
    CHECK(h.observer.finished[0].init_duration_ms.has_value());
    CHECK_FALSE(h.observer.finished[1].init_duration_ms.has_value());
}

TEST_CASE("wrong, stale and repeated request ids are refused as RAPID refuses them")
{
    Harness h;
    h.warm();
    h.invoke();
    auto wrong = h.respond("not-the-id");
    REQUIRE(wrong);
    CHECK(wrong->kind == core::RuntimeCallErrorKind::InvalidRequestId);
    CHECK(wrong->message == "Invalid request ID");

    CHECK_FALSE(h.respond("req-1"));
    auto second = h.respond("req-1");
    REQUIRE(second);
    CHECK(second->kind == core::RuntimeCallErrorKind::InvalidStateTransition);
    CHECK(second->message ==
          "State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State "
          "transition is not allowed");
    auto error_after = h.environment.runtime_error("req-1", core::RuntimeError{"Function.X", core::make_payload("{}")});
    REQUIRE(error_after);
    CHECK(error_after->message.find("to InvocationErrorResponse") != std::string::npos);

    h.next(); // the invocation is over: its id is stale now
    auto stale = h.respond("req-1");
    REQUIRE(stale);
    CHECK(stale->kind == core::RuntimeCallErrorKind::InvalidRequestId);
}

TEST_CASE("a second /next before answering re-renders the same invocation")
{
    Harness h;
    h.warm();
    h.invoke();
    h.next();
    REQUIRE(h.delivered.size() == 2);
    CHECK(h.delivered[1].request_id == h.delivered[0].request_id);
}

TEST_CASE("/init/error is refused once the runtime has called /next")
{
    Harness h;
    h.warm();
    auto refused = h.environment.runtime_init_error(core::RuntimeError{"Runtime.X", core::make_payload("{}")});
    REQUIRE(refused);
    CHECK(refused->kind == core::RuntimeCallErrorKind::InvalidStateTransition);
    CHECK(refused->message ==
          "State transition from Ready to InitError failed for runtime. Error: State transition is not allowed");
}

TEST_CASE("/error answers the caller with the posted body and keeps the environment")
{
    Harness h;
    h.warm();
    h.invoke();
    core::RuntimeError error{"Function.Oops", core::make_payload(R"({"errorMessage":"m","errorType":"T"})"),
                             "application/json"};
    CHECK_FALSE(h.environment.runtime_error("req-1", error));
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::FunctionError);
    CHECK(*h.results[0].payload == R"({"errorMessage":"m","errorType":"T"})");
    h.next();
    CHECK(h.observer.finished[0].status == core::InvokeStatus::Error);
    CHECK(h.observer.finished[0].error_type == "Function.Oops");
    CHECK(h.environment.phase() == core::Phase::Idle);
    CHECK(h.processes.sigkills == 0);
}

TEST_CASE("an oversized response gives the caller Function.ResponseSizeTooLarge and the runtime 413")
{
    Harness h;
    h.warm();
    h.invoke();
    auto refused = h.environment.runtime_response_too_large("req-1");
    REQUIRE(refused);
    CHECK(refused->kind == core::RuntimeCallErrorKind::PayloadTooLarge);
    CHECK(refused->message == "Exceeded maximum allowed payload size (6291556 bytes).");
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].error_type == "Function.ResponseSizeTooLarge");
    CHECK(h.results[0].payload->find("Response payload size exceeded maximum allowed payload size (6291556 bytes).") !=
          std::string::npos);
    h.next();
    CHECK(h.environment.phase() == core::Phase::Idle); // the environment lives on
}

TEST_CASE("a refused answer is a function error for the caller and REPORT; the runtime still gets its 202")
{
    Harness h;
    h.warm();
    core::InvokeRequest request;
    request.payload = core::make_payload("{}");
    std::string checked;
    request.check_answer = [&checked](const core::Payload& answer) -> std::optional<core::RefusedAnswer> {
        checked = *answer;
        return core::RefusedAnswer{"Function.InvalidUrlResponse", "status 101 is not final"};
    };
    h.environment.invoke(std::move(request), [&h](core::InvokeResult result) { h.results.push_back(result); });
    CHECK_FALSE(h.respond("req-1", R"({"statusCode":101})")); // the runtime gets its 202
    CHECK(checked == R"({"statusCode":101})");
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::FunctionError);
    CHECK(h.results[0].error_type == "Function.InvalidUrlResponse");
    CHECK(*h.results[0].payload ==
          R"({"errorMessage":"status 101 is not final","errorType":"Function.InvalidUrlResponse"})");
    h.next();
    REQUIRE(h.observer.finished.size() == 1);
    CHECK(h.observer.finished[0].status == core::InvokeStatus::Error);
    CHECK(h.observer.finished[0].error_type == "Function.InvalidUrlResponse");
    CHECK(h.environment.phase() == core::Phase::Idle); // the environment lives on
}

TEST_CASE("a timeout answers Sandbox.Timedout, resets with reason timeout, and the next invocation re-initialises")
{
    Harness h;
    h.warm();
    h.invoke();
    h.fire(core::TimerSlot::InvokeDeadline);
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::Timeout);
    CHECK(
        *h.results[0].payload ==
        R"({"errorMessage":"RequestId: req-1 Error: Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout"})");
    CHECK(h.observer.finished[0].status == core::InvokeStatus::Timeout);
    CHECK(h.environment.phase() == core::Phase::Shutdown);
    CHECK(h.processes.sigterms == 0); // no extension registered: no SIGTERM
    CHECK(h.processes.sigkills == 1);

    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));
    REQUIRE(h.observer.shutdowns.size() == 1);
    CHECK(h.observer.shutdowns[0].reason == core::ShutdownReason::Timeout);
    CHECK_FALSE(h.observer.shutdowns[0].final);
    CHECK(h.environment.phase() == core::Phase::Uninitialized);

    h.invoke(); // suppressed init, counted against this invocation
    CHECK(h.processes.starts == 2);
    CHECK(h.timers.is_armed(core::TimerSlot::InvokeDeadline));
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InitDeadline));
    h.next();
    REQUIRE(h.observer.inits.size() == 2);
    CHECK(h.observer.inits[1].phase == core::InitPhase::Invoke);
    REQUIRE(h.delivered.size() == 2);
    CHECK(h.delivered[1].request_id == "req-2");
}

TEST_CASE("a runtime that dies mid-invocation gives Runtime.ExitError with Lambda's message")
{
    struct Case {
        core::ExitStatus status;
        const char* message;
    };
    for (const auto& [status, message] :
         {Case{core::ExitStatus::exited(1), "RequestId: req-1 Error: Runtime exited with error: exit status 1"},
          Case{core::ExitStatus::killed_by(SIGKILL),
               "RequestId: req-1 Error: Runtime exited with error: signal: killed"},
          Case{core::ExitStatus::exited(0), "RequestId: req-1 Error: Runtime exited without providing a reason"}}) {
        Harness h;
        h.warm();
        h.invoke();
        h.environment.on_runtime_exited(status);
        REQUIRE(h.results.size() == 1);
        CHECK(h.results[0].outcome == core::InvokeOutcome::RuntimeExit);
        CHECK(*h.results[0].payload == core::error_json("Runtime.ExitError", message));
        CHECK(h.observer.finished[0].status == core::InvokeStatus::Failure);
        // It exited before the reset: the reset completes at once and says it crashed.
        REQUIRE(h.observer.shutdowns.size() == 1);
        CHECK(h.observer.shutdowns[0].reason == core::ShutdownReason::Failure);
        CHECK(h.observer.shutdowns[0].processes[0].verdict == core::Verdict::Crashed);
        CHECK(h.environment.phase() == core::Phase::Uninitialized);
    }
}

TEST_CASE("a runtime that answered before dying keeps its answer")
{
    Harness h;
    h.warm();
    h.invoke();
    h.respond("req-1");
    h.environment.on_runtime_exited(core::ExitStatus::exited(2));
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::Success);
    CHECK(h.observer.finished[0].status == core::InvokeStatus::Failure);
}

TEST_CASE("a failed Init is retried as a suppressed init inside the next invocation, which gets the init error")
{
    Harness h;
    h.environment.start_init();
    h.environment.on_runtime_exited(core::ExitStatus::exited(1));
    REQUIRE(h.observer.inits.size() == 1);
    CHECK(h.observer.inits[0].status == core::InitStatus::Error);
    CHECK(h.observer.inits[0].error_type == "Runtime.ExitError");
    CHECK(h.observer.inits[0].error_message.ends_with("Error: Runtime exited with error: exit status 1"));
    CHECK(h.environment.phase() == core::Phase::Uninitialized);

    h.invoke();
    CHECK(h.processes.starts == 2);
    h.environment.on_runtime_exited(core::ExitStatus::exited(127));
    REQUIRE(h.observer.inits.size() == 2);
    CHECK(h.observer.inits[1].phase == core::InitPhase::Invoke);
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::InitFailure);
    CHECK(*h.results[0].payload ==
          core::error_json("Runtime.ExitError", "RequestId: req-1 Error: Runtime exited with error: exit status 127"));
    REQUIRE(h.observer.started.size() == 1); // START is still written for the failed invocation
}

TEST_CASE("/init/error gives the runtime time to exit, then the caller gets the posted body")
{
    Harness h;
    h.environment.start_init();
    const core::Payload posted =
        core::make_payload(R"({"errorMessage":"no config","errorType":"Runtime.ConfigError"})");
    CHECK_FALSE(h.environment.runtime_init_error(core::RuntimeError{"Runtime.ConfigError", posted}));
    CHECK(h.timers.is_armed(core::TimerSlot::InitErrorGrace));
    CHECK(h.observer.inits.empty());
    h.fire(core::TimerSlot::InitErrorGrace); // it did not exit by itself
    REQUIRE(h.observer.inits.size() == 1);
    CHECK(h.observer.inits[0].error_type == "Runtime.ConfigError");
    CHECK(h.observer.inits[0].error_message == "no config"); // for the reports
    CHECK(h.processes.sigkills == 1);
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));

    h.invoke();
    CHECK_FALSE(h.environment.runtime_init_error(core::RuntimeError{"Runtime.ConfigError", posted}));
    h.environment.on_runtime_exited(core::ExitStatus::exited(1));
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::InitFailure);
    CHECK(h.results[0].payload == posted); // the very bytes, not a copy
}

TEST_CASE("a failed Init's message is the error body's errorMessage, when it has one")
{
    CHECK(core::error_message_of(R"({"errorMessage":"no config","errorType":"Runtime.ConfigError"})", 1024) ==
          "no config");
    CHECK(core::error_message_of("not json", 1024).empty());
    CHECK(core::error_message_of(R"(["errorMessage"])", 1024).empty());
    CHECK(core::error_message_of(R"({"errorMessage":{"nested":true}})", 1024).empty());
    CHECK(core::error_message_of(R"({"errorMessage":"ab\u00e9"})", 3) == "ab"); // not half of é
}

TEST_CASE("Init that outlives its 10 s limit fails with status timeout")
{
    Harness h;
    h.environment.start_init();
    h.fire(core::TimerSlot::InitDeadline);
    REQUIRE(h.observer.inits.size() == 1);
    CHECK(h.observer.inits[0].status == core::InitStatus::Timeout);
    CHECK(h.observer.inits[0].duration_ms == doctest::Approx(10000));
    CHECK(h.observer.inits[0].error_message.empty());
    CHECK(h.processes.sigkills == 1);
}

TEST_CASE("a bootstrap that cannot start fails Init with Runtime.InvalidEntrypoint")
{
    Harness h;
    h.processes.spawn_error = "fork/exec /x/bootstrap: no such file or directory";
    h.environment.start_init();
    REQUIRE(h.observer.inits.size() == 1);
    CHECK(h.observer.inits[0].error_type == "Runtime.InvalidEntrypoint");
    h.invoke();
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].error_type == "Runtime.InvalidEntrypoint");
    CHECK(h.results[0].payload->find("RequestId: req-1 Error: fork/exec /x/bootstrap: no such file or directory") !=
          std::string::npos);
}

TEST_CASE("an invocation that arrives during Init waits, and its clock starts when Init ends")
{
    Harness h;
    h.environment.start_init();
    h.invoke();
    CHECK(h.delivered.empty());
    CHECK_FALSE(h.timers.is_armed(core::TimerSlot::InvokeDeadline));
    h.clock.advance(Millis{500});
    h.next();
    REQUIRE(h.delivered.size() == 1);
    CHECK(h.timers.armed.at(core::TimerSlot::InvokeDeadline) == h.clock.now() + Millis{3000});
}

TEST_CASE("shutdown without extensions: SIGKILL at once, no SIGTERM, verdict not-signalled, said plainly")
{
    Harness h;
    h.warm();
    h.environment.shutdown();
    CHECK(h.processes.sigterms == 0);
    CHECK(h.processes.sigkills == 1);
    h.clock.advance(Millis{3});
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));
    REQUIRE(h.observer.shutdowns.size() == 1);
    const auto& report = h.observer.shutdowns[0];
    CHECK(report.final);
    CHECK(report.reason == core::ShutdownReason::Spindown);
    REQUIRE(report.processes.size() == 1);
    CHECK(report.processes[0].verdict == core::Verdict::NotSignalled);
    CHECK(core::cleanup_duration_ms(report.processes[0]) == doctest::Approx(3));
    REQUIRE(report.diagnostics.size() == 1);
    CHECK(report.diagnostics[0].find("no SIGTERM") != std::string::npos);
    CHECK(h.environment.phase() == core::Phase::Done);
}

TEST_CASE("shutting down during an invocation answers it as interrupted")
{
    Harness h;
    h.warm();
    h.invoke();
    h.environment.shutdown();
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::Interrupted);
    CHECK(h.environment.invoke(core::InvokeRequest{}, [](core::InvokeResult) {}) == core::InvokeRefusal::ShuttingDown);
}

TEST_CASE("a shutdown after the runtime answered, before its next /next, keeps the answer's status")
{
    Harness h;
    h.warm();
    h.invoke();
    CHECK_FALSE(h.respond("req-1"));
    h.environment.shutdown(); // the runtime's /next had not come yet: only that was missing
    REQUIRE(h.results.size() == 1);
    CHECK(h.results[0].outcome == core::InvokeOutcome::Success);
    REQUIRE(h.observer.finished.size() == 1);
    CHECK(h.observer.finished[0].status == core::InvokeStatus::Success);
    CHECK(h.observer.finished[0].error_type.empty());
}

TEST_CASE("a shutdown never waits forever for an exit the kernel does not report")
{
    Harness h;
    h.warm();
    h.environment.shutdown();
    h.fire(core::TimerSlot::ShutdownGiveUp);
    REQUIRE(h.observer.shutdowns.size() == 1);
    CHECK(h.observer.shutdowns[0].processes[0].verdict == core::Verdict::Killed);
    CHECK(h.environment.phase() == core::Phase::Done);
}

TEST_CASE("a second invocation while one is in flight is refused as busy")
{
    Harness h;
    h.warm();
    h.invoke();
    CHECK(h.environment.invoke(core::InvokeRequest{}, [](core::InvokeResult) {}) == core::InvokeRefusal::Busy);
}
