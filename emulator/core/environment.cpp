#include "environment.hpp"

#include <cmath>
#include <cstdio>
#include <csignal>
#include <utility>

namespace lambda_emu::core {

namespace {

// After /init/error the runtime is expected to exit by itself (LAMBDA-SPEC 1.6). It gets this
// long to do so, so that it can read the 202, before the reset kills it.
constexpr Millis kInitErrorExitGrace{500};
// Past the phase's budget, how long to wait for the kernel to report the exits of SIGKILLed
// processes before the report is written anyway (a process stuck in the D state).
constexpr Millis kExitReportSlack{2000};

std::string state_transition_message(RuntimeState from, const char* to)
{
    return std::string{"State transition from "} + rapid_state_name(from) + " to " + to +
           " failed for runtime. Error: State transition is not allowed";
}

} // namespace

const char* to_string(Phase phase)
{
    switch (phase) {
    case Phase::Uninitialized: return "uninitialized";
    case Phase::Init: return "init";
    case Phase::Idle: return "idle";
    case Phase::Invoke: return "invoke";
    case Phase::Shutdown: return "shutdown";
    case Phase::Done: return "done";
    }
    return "unknown";
}

const char* rapid_state_name(RuntimeState state)
{
    switch (state) {
    case RuntimeState::NotStarted: return "NotStarted";
    case RuntimeState::Started: return "Started";
    case RuntimeState::Ready: return "Ready";
    case RuntimeState::Running: return "Running";
    case RuntimeState::ResponseSent: return "RuntimeResponseSentState";
    case RuntimeState::InitError: return "InitError";
    case RuntimeState::Exited: return "Exited";
    }
    return "Unknown";
}

std::string runtime_exit_message(const std::string& request_id, const ExitStatus& status)
{
    const std::string prefix = "RequestId: " + request_id + " Error: ";
    if (!status.signalled && status.code == 0) return prefix + "Runtime exited without providing a reason";
    return prefix + "Runtime exited with error: " + status.describe();
}

std::string timeout_message(const std::string& request_id, Millis timeout)
{
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", static_cast<double>(timeout.count()) / 1000.0);
    return "RequestId: " + request_id + " Error: Task timed out after " + seconds + " seconds";
}

Environment::Environment(FunctionConfig config, ShutdownOverrides overrides, Ports ports)
    : config_{std::move(config)}, overrides_{overrides}, ports_{std::move(ports)}
{
}

// ---------------------------------------------------------------- Init

void Environment::start_init()
{
    if (phase_ != Phase::Uninitialized) return;
    begin_init(InitPhase::Init);
}

void Environment::begin_init(InitPhase phase)
{
    init_phase_ = phase;
    phase_ = phase == InitPhase::Init ? Phase::Init : Phase::Invoke;
    init_started_at_ = now();
    init_error_.reset();
    runtime_exit_.reset();
    ports_.observer.init_started(phase);

    const SpawnOutcome spawned = ports_.processes.start_runtime();
    if (!spawned.started) {
        runtime_ = RuntimeState::NotStarted;
        const std::string id = invocation_ ? invocation_->invocation.request_id : std::string{};
        fail_init(InitStatus::Error, "Runtime.InvalidEntrypoint",
                  make_payload(error_json("Runtime.InvalidEntrypoint", "RequestId: " + id + " Error: " + spawned.error)),
                  "application/json");
        return;
    }
    runtime_ = RuntimeState::Started;
    runtime_pid_ = spawned.pid;
    // A suppressed init is bounded by the invocation's own timeout instead.
    if (phase == InitPhase::Init) ports_.timers.arm(TimerSlot::InitDeadline, init_started_at_ + config_.init_timeout);
}

void Environment::finish_init_success()
{
    ports_.timers.cancel(TimerSlot::InitDeadline);
    const double duration = to_ms(now() - init_started_at_);
    if (init_phase_ == InitPhase::Init) {
        phase_ = Phase::Idle;
        cold_init_duration_ms_ = duration;
    }
    ports_.observer.init_finished(InitReport{init_phase_, InitStatus::Success, {}, duration});
    if (!invocation_) return;
    if (phase_ == Phase::Idle && !invocation_->started) start_invocation(); // held behind the cold Init
    else if (phase_ == Phase::Invoke) deliver_invocation();
}

void Environment::fail_init(InitStatus status, const std::string& error_type, Payload caller_payload,
                            std::string content_type)
{
    ports_.timers.cancel(TimerSlot::InitDeadline);
    ports_.timers.cancel(TimerSlot::InitErrorGrace);
    const SteadyTime ended = init_error_ ? init_error_at_ : now();
    ports_.observer.init_finished(InitReport{init_phase_, status, error_type, to_ms(ended - init_started_at_)});

    std::optional<ClosedInvocation> failed;
    if (init_phase_ == InitPhase::Invoke && invocation_) failed = close_invocation(InvokeStatus::Error, error_type);
    begin_shutdown(ShutdownReason::Failure, false);
    if (failed) {
        answer(failed->invocation, InvokeOutcome::InitFailure, std::move(caller_payload), std::move(content_type),
               error_type);
        announce_end(*failed);
    }
}

// ---------------------------------------------------------------- Invoke

std::optional<InvokeRefusal> Environment::invoke(InvokeRequest request, ResponseHandler respond)
{
    if (phase_ == Phase::Done || final_shutdown_requested_) return InvokeRefusal::ShuttingDown;
    if (invocation_) return InvokeRefusal::Busy;

    ActiveInvocation active;
    active.invocation.request_id = ports_.new_request_id();
    active.invocation.invoked_function_arn =
        request.invoked_function_arn.empty() ? config_.arn() : request.invoked_function_arn;
    active.invocation.request = std::move(request);
    active.respond = std::move(respond);
    invocation_ = std::move(active);

    // Behind a cold Init or a reset the invocation waits; its clock starts when it can run.
    if (phase_ == Phase::Idle || phase_ == Phase::Uninitialized) start_invocation();
    return std::nullopt;
}

void Environment::start_invocation()
{
    auto& active = *invocation_;
    active.started = true;
    active.started_at = now();
    active.invocation.deadline_epoch_ms = ports_.clock.epoch_ms(active.started_at + config_.timeout);
    ports_.timers.arm(TimerSlot::InvokeDeadline, active.started_at + config_.timeout);
    if (phase_ == Phase::Idle) {
        phase_ = Phase::Invoke;
        active.init_duration_ms = std::exchange(cold_init_duration_ms_, std::nullopt);
        deliver_invocation();
    } else {
        // After a reset or a failed Init: a suppressed init, counted against this invocation.
        active.suppressed_init = true;
        begin_init(InitPhase::Invoke);
    }
}

void Environment::deliver_invocation()
{
    auto& active = *invocation_;
    runtime_ = RuntimeState::Running;
    active.delivered = true;
    if (!active.start_announced) {
        active.start_announced = true;
        ports_.observer.invocation_started(active.invocation);
    }
    if (auto on_invocation = std::exchange(parked_next_, {})) on_invocation(active.invocation);
}

RuntimeCallResult Environment::check_current_invocation(std::string_view request_id, const char* target) const
{
    if (phase_ != Phase::Invoke || !invocation_ || !invocation_->delivered ||
        request_id != invocation_->invocation.request_id) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidRequestId, "Invalid request ID"};
    }
    if (runtime_ != RuntimeState::Running) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidStateTransition, state_transition_message(runtime_, target)};
    }
    return std::nullopt;
}

void Environment::answer(ActiveInvocation& active, InvokeOutcome outcome, Payload payload, std::string content_type,
                         std::string error_type)
{
    if (active.answered) return;
    active.answered = true;
    if (!payload) payload = make_payload({});
    auto respond = std::move(active.respond);
    if (respond) {
        respond(InvokeResult{active.invocation.request_id, outcome, std::move(payload), std::move(content_type),
                             std::move(error_type)});
    }
}

Environment::ClosedInvocation Environment::close_invocation(InvokeStatus status, std::string error_type)
{
    ports_.timers.cancel(TimerSlot::InvokeDeadline);
    ClosedInvocation closed{std::move(*invocation_), {}};
    invocation_.reset();
    const auto& active = closed.invocation;
    auto& report = closed.report;
    report.request_id = active.invocation.request_id;
    report.version = config_.version;
    report.status = status;
    report.error_type = std::move(error_type);
    report.started_at = active.started ? active.started_at : now();
    report.ended_at = now();
    report.duration_ms = to_ms(report.ended_at - report.started_at);
    report.billed_duration_ms = static_cast<std::int64_t>(std::ceil(report.duration_ms));
    report.memory_size_mb = config_.memory_mb;
    report.max_memory_used_mb = ports_.processes.runtime_peak_memory_mb();
    report.init_duration_ms = active.init_duration_ms;
    return closed;
}

void Environment::announce_end(ClosedInvocation& closed)
{
    if (!closed.invocation.start_announced) {
        closed.invocation.start_announced = true;
        ports_.observer.invocation_started(closed.invocation.invocation);
    }
    ports_.observer.invocation_finished(closed.report);
}

void Environment::end_invocation_normally()
{
    auto closed = close_invocation(invocation_->status, invocation_->error_type);
    phase_ = Phase::Idle;
    announce_end(closed);
}

void Environment::invocation_timed_out()
{
    const std::string id = invocation_->invocation.request_id;
    auto closed = close_invocation(InvokeStatus::Timeout, "Sandbox.Timedout");
    begin_shutdown(ShutdownReason::Timeout, false);
    answer(closed.invocation, InvokeOutcome::Timeout,
           make_payload(error_json("Sandbox.Timedout", timeout_message(id, config_.timeout))), "application/json",
           "Sandbox.Timedout");
    announce_end(closed);
}

void Environment::runtime_died_mid_invocation(ExitStatus status)
{
    const std::string id = invocation_->invocation.request_id;
    const std::string message = runtime_exit_message(id, status);
    auto closed = close_invocation(InvokeStatus::Failure, "Runtime.ExitError");
    begin_shutdown(ShutdownReason::Failure, false);
    ports_.observer.runtime_exit_during_invocation(id, message);
    // A runtime that answered before dying keeps its answer (LAMBDA-SPEC 4.3).
    answer(closed.invocation, InvokeOutcome::RuntimeExit, make_payload(error_json("Runtime.ExitError", message)),
           "application/json", "Runtime.ExitError");
    announce_end(closed);
}

void Environment::interrupt_invocation(ClosedInvocation closed)
{
    answer(closed.invocation, InvokeOutcome::Interrupted,
           make_payload(error_json("Emulator.Interrupted",
                                   "RequestId: " + closed.invocation.invocation.request_id +
                                       " Error: the emulator was shut down during the invocation")),
           "application/json", "Emulator.Interrupted");
    announce_end(closed);
}

// ---------------------------------------------------------------- Runtime API

RuntimeCallResult Environment::runtime_next(NextHandler on_invocation)
{
    // While shutting down the poll is parked and never answered, as on AWS: a runtime must
    // learn of the shutdown from SIGTERM, not from a failed /next.
    if (phase_ == Phase::Shutdown || phase_ == Phase::Done) {
        parked_next_ = std::move(on_invocation);
        return std::nullopt;
    }
    switch (runtime_) {
    case RuntimeState::Started:
        runtime_ = RuntimeState::Ready;
        parked_next_ = std::move(on_invocation);
        finish_init_success();
        return std::nullopt;
    case RuntimeState::Ready: // a second poll replaces the first
        parked_next_ = std::move(on_invocation);
        return std::nullopt;
    case RuntimeState::Running: // RAPID re-renders the unanswered invocation (LAMBDA-SPEC 1.8)
        on_invocation(invocation_->invocation);
        return std::nullopt;
    case RuntimeState::ResponseSent:
        runtime_ = RuntimeState::Ready;
        parked_next_ = std::move(on_invocation);
        end_invocation_normally();
        return std::nullopt;
    case RuntimeState::InitError:
    case RuntimeState::NotStarted:
    case RuntimeState::Exited:
        break;
    }
    return RuntimeCallError{RuntimeCallErrorKind::InvalidStateTransition, state_transition_message(runtime_, "Ready")};
}

RuntimeCallResult Environment::runtime_response(std::string_view request_id, RuntimeResponse response)
{
    if (auto refused = check_current_invocation(request_id, "InvocationResponse")) return refused;
    runtime_ = RuntimeState::ResponseSent;
    auto& active = *invocation_;
    if (response.stream_error) {
        auto& error = *response.stream_error;
        active.status = InvokeStatus::Error;
        active.error_type = normalized_error_type(error.error_type);
        answer(active, InvokeOutcome::FunctionError, std::move(error.body), std::move(error.content_type),
               error.error_type);
    } else {
        answer(active, InvokeOutcome::Success, std::move(response.body), std::move(response.content_type), {});
    }
    return std::nullopt;
}

RuntimeCallResult Environment::runtime_response_too_large(std::string_view request_id, std::size_t size)
{
    if (auto refused = check_current_invocation(request_id, "InvocationResponse")) return refused;
    (void)size;
    runtime_ = RuntimeState::ResponseSent;
    auto& active = *invocation_;
    active.status = InvokeStatus::Error;
    active.error_type = "Function.ResponseSizeTooLarge";
    answer(active, InvokeOutcome::FunctionError,
           make_payload(error_json("Function.ResponseSizeTooLarge",
                                   "Response payload size exceeded maximum allowed payload size (6291556 bytes).")),
           "application/json", "Function.ResponseSizeTooLarge");
    return RuntimeCallError{RuntimeCallErrorKind::PayloadTooLarge,
                            "Exceeded maximum allowed payload size (6291556 bytes)."};
}

RuntimeCallResult Environment::runtime_invalid_response_mode(std::string_view request_id)
{
    if (auto refused = check_current_invocation(request_id, "InvocationResponse")) return refused;
    runtime_ = RuntimeState::ResponseSent;
    auto& active = *invocation_;
    active.status = InvokeStatus::Error;
    active.error_type = "Runtime.InvalidResponseModeHeader";
    answer(active, InvokeOutcome::FunctionError,
           make_payload(error_json("Runtime.InvalidResponseModeHeader", "Invalid function response mode")),
           "application/json", "Runtime.InvalidResponseModeHeader");
    return RuntimeCallError{RuntimeCallErrorKind::InvalidResponseMode, "Invalid function response mode"};
}

RuntimeCallResult Environment::runtime_error(std::string_view request_id, RuntimeError error)
{
    if (auto refused = check_current_invocation(request_id, "InvocationErrorResponse")) return refused;
    runtime_ = RuntimeState::ResponseSent;
    auto& active = *invocation_;
    active.status = InvokeStatus::Error;
    active.error_type = normalized_error_type(error.error_type);
    // The caller gets the body exactly as posted; only the bookkeeping type is normalised.
    answer(active, InvokeOutcome::FunctionError, std::move(error.body), std::move(error.content_type),
           error.error_type);
    return std::nullopt;
}

RuntimeCallResult Environment::runtime_init_error(RuntimeError error)
{
    // Only the `Started` state allows InitError (LAMBDA-SPEC 1.6).
    const bool initialising = phase_ == Phase::Init || (phase_ == Phase::Invoke && invocation_ && !invocation_->delivered);
    if (runtime_ != RuntimeState::Started || !initialising) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidStateTransition,
                                state_transition_message(runtime_, "InitError")};
    }
    runtime_ = RuntimeState::InitError;
    init_error_at_ = now();
    init_error_ = std::move(error);
    ports_.timers.cancel(TimerSlot::InitDeadline);
    ports_.timers.arm(TimerSlot::InitErrorGrace, init_error_at_ + kInitErrorExitGrace);
    return std::nullopt;
}

// ---------------------------------------------------------------- exits and timers

void Environment::on_runtime_exited(ExitStatus status)
{
    const RuntimeState before = runtime_;
    runtime_ = RuntimeState::Exited;
    runtime_exit_ = status;
    parked_next_ = {};

    switch (phase_) {
    case Phase::Shutdown:
        record_runtime_exit_in_shutdown(status);
        return;
    case Phase::Init:
    case Phase::Invoke:
        if (before == RuntimeState::Started || before == RuntimeState::InitError) {
            if (init_error_) {
                const auto type = normalized_error_type(init_error_->error_type);
                auto body = init_error_->body;
                auto content_type = init_error_->content_type;
                fail_init(InitStatus::Error, type, std::move(body), std::move(content_type));
            } else {
                const std::string id = invocation_ ? invocation_->invocation.request_id : std::string{};
                fail_init(InitStatus::Error, "Runtime.ExitError",
                          make_payload(error_json("Runtime.ExitError", runtime_exit_message(id, status))),
                          "application/json");
            }
            return;
        }
        if (phase_ == Phase::Invoke) runtime_died_mid_invocation(status);
        return;
    case Phase::Idle:
        // Died between invocations: the next one initialises a new runtime.
        begin_shutdown(ShutdownReason::Failure, false);
        return;
    case Phase::Uninitialized:
    case Phase::Done:
        return;
    }
}

void Environment::on_timer(TimerSlot slot)
{
    switch (slot) {
    case TimerSlot::InitDeadline:
        if (phase_ == Phase::Init && runtime_ == RuntimeState::Started) {
            fail_init(InitStatus::Timeout, {}, nullptr, "application/json");
        }
        return;
    case TimerSlot::InvokeDeadline:
        if (phase_ == Phase::Invoke && invocation_) invocation_timed_out();
        return;
    case TimerSlot::InitErrorGrace:
        if (runtime_ == RuntimeState::InitError && init_error_) {
            const auto type = normalized_error_type(init_error_->error_type);
            auto body = init_error_->body;
            auto content_type = init_error_->content_type;
            fail_init(InitStatus::Error, type, std::move(body), std::move(content_type));
        }
        return;
    case TimerSlot::RuntimeShare:
        if (shutdown_ && shutdown_->runtime_pending) {
            ports_.processes.kill_runtime();
            shutdown_->report.processes.front().sigkill_at = now();
        }
        return;
    case TimerSlot::ShutdownGiveUp:
        if (shutdown_) complete_shutdown();
        return;
    }
}

// ---------------------------------------------------------------- Shutdown

void Environment::shutdown()
{
    if (phase_ == Phase::Done || final_shutdown_requested_) return;
    final_shutdown_requested_ = true;
    switch (phase_) {
    case Phase::Shutdown: { // a reset is under way: it becomes the last shutdown
        shutdown_->report.final = true;
        if (invocation_) interrupt_invocation(close_invocation(InvokeStatus::Failure, "Emulator.Interrupted"));
        return;
    }
    case Phase::Uninitialized: {
        phase_ = Phase::Done;
        std::optional<ClosedInvocation> held;
        if (invocation_) held = close_invocation(InvokeStatus::Failure, "Emulator.Interrupted");
        ShutdownReport empty;
        empty.final = true;
        empty.started_at = empty.ended_at = now();
        empty.budget = shutdown_budget(0, 0, overrides_);
        ports_.observer.shutdown_finished(empty);
        if (held) interrupt_invocation(std::move(*held));
        return;
    }
    case Phase::Init:
    case Phase::Idle:
    case Phase::Invoke: {
        std::optional<ClosedInvocation> in_flight;
        if (invocation_) in_flight = close_invocation(InvokeStatus::Failure, "Emulator.Interrupted");
        begin_shutdown(ShutdownReason::Spindown, true);
        if (in_flight) interrupt_invocation(std::move(*in_flight));
        return;
    }
    case Phase::Done:
        return;
    }
}

void Environment::kill_now()
{
    if (phase_ != Phase::Shutdown) shutdown();
    if (shutdown_ && shutdown_->runtime_pending) {
        ports_.processes.kill_runtime();
        auto& runtime = shutdown_->report.processes.front();
        if (!runtime.sigkill_at) runtime.sigkill_at = now();
    }
}

void Environment::begin_shutdown(ShutdownReason reason, bool final)
{
    phase_ = Phase::Shutdown;
    for (auto slot : {TimerSlot::InitDeadline, TimerSlot::InvokeDeadline, TimerSlot::InitErrorGrace}) {
        ports_.timers.cancel(slot);
    }
    const SteadyTime started = now();
    ShutdownInProgress progress;
    auto& report = progress.report;
    report.reason = reason;
    report.final = final;
    report.started_at = started;
    report.budget = shutdown_budget(0, 0, overrides_);

    if (runtime_pid_ != 0) {
        ProcessCleanup runtime;
        runtime.name = "runtime";
        runtime.kind = ProcessKind::Runtime;
        runtime.pid = runtime_pid_;
        if (runtime_ == RuntimeState::Exited) {
            // It died before the shutdown (the reason for this reset); kill what it left behind.
            runtime.exited_before_shutdown = true;
            runtime.exit_status = runtime_exit_;
            runtime.verdict = Verdict::Crashed;
            ports_.processes.kill_runtime();
        } else if (report.budget.send_sigterm) {
            ports_.processes.terminate_runtime();
            runtime.sigterm_at = started;
            runtime.deadline = started + report.budget.runtime_share;
            progress.runtime_pending = true;
            ports_.timers.arm(TimerSlot::RuntimeShare, *runtime.deadline);
        } else {
            // No extension registered: AWS sends SIGKILL at once, no SIGTERM (LAMBDA-SPEC 4.4).
            ports_.processes.kill_runtime();
            runtime.sigkill_at = started;
            runtime.deadline = started;
            runtime.verdict = Verdict::NotSignalled;
            progress.runtime_pending = true;
        }
        report.processes.push_back(std::move(runtime));
    }
    shutdown_ = std::move(progress);
    ports_.observer.shutdown_started(reason, final);
    if (!shutdown_->runtime_pending) {
        complete_shutdown();
        return;
    }
    ports_.timers.arm(TimerSlot::ShutdownGiveUp, started + report.budget.phase + kExitReportSlack);
}

void Environment::record_runtime_exit_in_shutdown(ExitStatus status)
{
    if (!shutdown_ || !shutdown_->runtime_pending) return;
    auto& report = shutdown_->report;
    auto& runtime = report.processes.front();
    runtime.exit_observed_at = now();
    runtime.exit_status = status;
    if (!report.budget.send_sigterm) {
        runtime.verdict = Verdict::NotSignalled;
    } else if (runtime.sigkill_at) {
        runtime.verdict = Verdict::Killed;
    } else if (status.signalled && status.code != SIGTERM) {
        runtime.verdict = Verdict::Crashed;
    } else {
        runtime.verdict = Verdict::Graceful;
    }
    shutdown_->runtime_pending = false;
    ports_.timers.cancel(TimerSlot::RuntimeShare);
    complete_shutdown();
}

void Environment::complete_shutdown()
{
    ports_.timers.cancel(TimerSlot::RuntimeShare);
    ports_.timers.cancel(TimerSlot::ShutdownGiveUp);
    ShutdownReport report = std::move(shutdown_->report);
    const bool runtime_never_reported = shutdown_->runtime_pending;
    shutdown_.reset();
    report.ended_at = now();
    for (auto& process : report.processes) {
        if (runtime_never_reported && process.kind == ProcessKind::Runtime) {
            process.verdict = Verdict::Killed;
            report.diagnostics.push_back("The runtime's exit was not observed " + std::to_string(kExitReportSlack.count()) +
                                         " ms after the phase's end; it was SIGKILLed and the report was written anyway.");
        }
        if (process.verdict == Verdict::NotSignalled) {
            report.diagnostics.push_back(
                "No extension registered, so Lambda sends no SIGTERM: the runtime was stopped with SIGKILL at once "
                "and no cleanup code ran. Register an extension (even an internal one with no events) to receive "
                "SIGTERM.");
        }
    }
    runtime_ = RuntimeState::NotStarted;
    runtime_pid_ = 0;
    parked_next_ = {};
    report.final = report.final || final_shutdown_requested_;
    phase_ = report.final ? Phase::Done : Phase::Uninitialized;
    ports_.observer.shutdown_finished(report);
    if (phase_ == Phase::Uninitialized && invocation_ && !invocation_->started) start_invocation();
}

} // namespace lambda_emu::core
