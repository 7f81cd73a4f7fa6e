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
    initializing_ = true;
    init_phase_ = phase;
    phase_ = phase == InitPhase::Init ? Phase::Init : Phase::Invoke;
    init_started_at_ = now();
    init_error_.reset();
    runtime_exit_.reset();
    extensions_.clear();
    registration_closed_ = false;
    ports_.observer.init_started(phase);

    // External extensions first, all at once; the runtime starts when they have registered.
    std::string launch_error;
    for (auto& launched : ports_.processes.start_external_extensions()) {
        if (!launched.error.empty()) {
            if (launch_error.empty()) launch_error = launched.error;
            continue;
        }
        Extension extension;
        extension.name = launched.name;
        extension.kind = ExtensionKind::External;
        extension.pid = launched.pid;
        extension.alive = true;
        extensions_.push_back(std::move(extension));
    }
    // A suppressed init is bounded by the invocation's own timeout instead.
    if (phase == InitPhase::Init) ports_.timers.arm(TimerSlot::InitDeadline, init_started_at_ + config_.init_timeout);
    if (!launch_error.empty()) {
        fail_init(InitStatus::Error, "Extension.LaunchError",
                  make_payload(error_json("Extension.LaunchError",
                                          "RequestId: " + current_request_id() + " Error: " + launch_error)),
                  "application/json");
        return;
    }
    start_runtime_once_extensions_registered();
}

void Environment::start_runtime_once_extensions_registered()
{
    if (!initializing_ || runtime_ != RuntimeState::NotStarted) return;
    for (const auto& extension : extensions_) {
        if (extension.kind == ExtensionKind::External && extension.state == ExtensionState::Launched) return;
    }
    const SpawnOutcome spawned = ports_.processes.start_runtime();
    if (!spawned.started) {
        fail_init(InitStatus::Error, "Runtime.InvalidEntrypoint",
                  make_payload(error_json("Runtime.InvalidEntrypoint",
                                          "RequestId: " + current_request_id() + " Error: " + spawned.error)),
                  "application/json");
        return;
    }
    runtime_ = RuntimeState::Started;
    runtime_pid_ = spawned.pid;
}

std::string Environment::current_request_id() const
{
    return invocation_ ? invocation_->invocation.request_id : std::string{};
}

// Init ends when the runtime and every registered extension have called next (LAMBDA-SPEC 2.6).
void Environment::finish_init_if_everyone_is_ready()
{
    if (!initializing_ || runtime_ != RuntimeState::Ready) return;
    for (const auto& extension : extensions_) {
        if (extension.registered() && extension.state != ExtensionState::Ready) return;
    }
    finish_init_success();
}

void Environment::finish_init_success()
{
    initializing_ = false;
    ports_.timers.cancel(TimerSlot::InitDeadline);
    const double duration = to_ms(now() - init_started_at_);
    if (init_phase_ == InitPhase::Init) {
        phase_ = Phase::Idle;
        cold_init_duration_ms_ = duration;
    }
    ports_.observer.extensions_initialised(extensions_);
    ports_.observer.init_finished(InitReport{init_phase_, InitStatus::Success, {}, duration});
    if (!invocation_) return;
    if (phase_ == Phase::Idle && !invocation_->started) start_invocation(); // held behind the cold Init
    else if (phase_ == Phase::Invoke) deliver_invocation();
}

void Environment::fail_init(InitStatus status, const std::string& error_type, Payload caller_payload,
                            std::string content_type)
{
    initializing_ = false;
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
    active.delivered_at = now();
    if (!active.start_announced) {
        active.start_announced = true;
        ports_.observer.invocation_started(active.invocation);
    }
    // Extensions get the event with the runtime's deadline; RAPID releases them first.
    for (auto& extension : extensions_) {
        if (!extension.wants_invoke || !extension.alive || extension.state != ExtensionState::Ready) continue;
        ExtensionEvent event;
        event.type = ExtensionEvent::Type::Invoke;
        event.event_id = ports_.new_request_id();
        event.deadline_ms = active.invocation.deadline_epoch_ms;
        event.request_id = active.invocation.request_id;
        event.invoked_function_arn = active.invocation.invoked_function_arn;
        event.trace_id = active.invocation.request.trace_id;
        extension.state = ExtensionState::Processing;
        deliver_to_extension(extension, std::move(event));
    }
    if (auto on_invocation = std::exchange(parked_next_, {})) on_invocation(active.invocation);
}

// The invocation ends when the runtime called /next after answering and every INVOKE-subscribed
// extension called /event/next (LAMBDA-SPEC 2.6): only then does REPORT's Duration stop.
void Environment::end_invocation_if_everyone_is_done()
{
    if (phase_ != Phase::Invoke || !invocation_ || !invocation_->runtime_done) return;
    for (const auto& extension : extensions_) {
        // One that reported an error holds the invocation: it fails when the extension exits.
        if (extension.state == ExtensionState::Processing || extension.state == ExtensionState::ExitError) return;
    }
    end_invocation_normally();
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

RuntimeCallResult Environment::refuse_unknown_request_id(std::string_view request_id) const
{
    auto refused = check_current_invocation(request_id, "");
    if (refused && refused->kind == RuntimeCallErrorKind::InvalidRequestId) return refused;
    return std::nullopt;
}

void Environment::answer(ActiveInvocation& active, InvokeOutcome outcome, Payload payload, std::string content_type,
                         std::string error_type)
{
    if (active.answered) return;
    active.answered = true;
    if (!payload) payload = make_payload({});
    active.response_at = now();
    active.produced_bytes = payload->size();
    auto respond = std::move(active.respond);
    if (respond) {
        respond(InvokeResult{active.invocation.request_id, outcome, std::move(payload), std::move(content_type),
                             std::move(error_type), active.streaming});
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
    ports_.processes.track_descendants(false);
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

void Environment::announce_runtime_done(const ActiveInvocation& active, InvokeStatus status, const std::string& error_type)
{
    RuntimeDoneReport done;
    done.request_id = active.invocation.request_id;
    done.status = status;
    done.error_type = error_type;
    done.duration_ms = active.started ? to_ms(now() - active.started_at) : 0;
    done.produced_bytes = active.produced_bytes;
    done.delivered_at = active.delivered ? active.delivered_at : now();
    done.response_latency_ms = active.response_at && active.delivered ? to_ms(*active.response_at - active.delivered_at) : 0;
    ports_.observer.runtime_done(done);
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
    // RAPID reports runtimeDone with the reset's status before shutting down (LAMBDA-SPEC 3.4).
    announce_runtime_done(*invocation_, InvokeStatus::Timeout, "Sandbox.Timedout");
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
    if (!invocation_->runtime_done) announce_runtime_done(*invocation_, InvokeStatus::Failure, "Runtime.ExitError");
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
        registration_closed_ = true;
        finish_init_if_everyone_is_ready();
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
        invocation_->runtime_done = true;
        announce_runtime_done(*invocation_, invocation_->status, invocation_->error_type);
        end_invocation_if_everyone_is_done();
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

ChunkSink Environment::runtime_stream_started(std::string_view request_id, const std::string& content_type)
{
    if (check_current_invocation(request_id, "InvocationResponse")) return {};
    auto& active = *invocation_;
    if (!active.invocation.request.accept_stream || active.answered) return {};
    active.streaming = true;
    return active.invocation.request.accept_stream(content_type);
}

// The runtime's /response cannot be taken: the caller gets a function error, the runtime the
// refusal, and the invocation ends at the runtime's next /next as usual.
RuntimeCallResult Environment::refuse_response(std::string_view request_id, const std::string& caller_error_type,
                                               const std::string& caller_message, RuntimeCallError refusal)
{
    if (auto refused = check_current_invocation(request_id, "InvocationResponse")) return refused;
    runtime_ = RuntimeState::ResponseSent;
    auto& active = *invocation_;
    active.status = InvokeStatus::Error;
    active.error_type = caller_error_type;
    answer(active, InvokeOutcome::FunctionError, make_payload(error_json(caller_error_type, caller_message)),
           "application/json", caller_error_type);
    return refusal;
}

RuntimeCallResult Environment::runtime_response_too_large(std::string_view request_id)
{
    return refuse_response(request_id, "Function.ResponseSizeTooLarge",
                           "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
                           {RuntimeCallErrorKind::PayloadTooLarge, "Exceeded maximum allowed payload size (6291556 bytes)."});
}

RuntimeCallResult Environment::runtime_invalid_response_mode(std::string_view request_id)
{
    return refuse_response(request_id, "Runtime.InvalidResponseModeHeader", "Invalid function response mode",
                           {RuntimeCallErrorKind::InvalidResponseMode, "Invalid function response mode"});
}

RuntimeCallResult Environment::runtime_response_truncated(std::string_view request_id)
{
    return refuse_response(request_id, "Runtime.TruncatedResponse", "HTTP request detected as truncated",
                           {RuntimeCallErrorKind::TruncatedRequest, "HTTP request detected as truncated"});
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
    if (runtime_ != RuntimeState::Started || !initializing_) {
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
    runtime_ = RuntimeState::Exited;
    runtime_exit_ = status;
    parked_next_ = {};

    switch (phase_) {
    case Phase::Shutdown:
        record_runtime_exit_in_shutdown(status);
        return;
    case Phase::Init:
    case Phase::Invoke:
        if (initializing_) {
            if (init_error_) {
                const auto type = normalized_error_type(init_error_->error_type);
                auto body = init_error_->body;
                auto content_type = init_error_->content_type;
                fail_init(InitStatus::Error, type, std::move(body), std::move(content_type));
            } else {
                fail_init(InitStatus::Error, "Runtime.ExitError",
                          make_payload(error_json("Runtime.ExitError", runtime_exit_message(current_request_id(), status))),
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
        if (phase_ == Phase::Init && initializing_) {
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
    case TimerSlot::ExtensionErrorGrace:
        for (auto& extension : extensions_) {
            if (extension.alive &&
                (extension.state == ExtensionState::InitError || extension.state == ExtensionState::ExitError)) {
                extension_failed(extension.error_type, "extension " + extension.name + " reported " + extension.reported_error_type);
                return;
            }
        }
        return;
    case TimerSlot::RuntimeShare:
        if (auto* runtime = shutdown_entry(ProcessKind::Runtime, "runtime"); runtime && runtime->awaiting_exit()) {
            ports_.processes.kill_runtime();
            runtime->sigkill_at = now();
        }
        return;
    case TimerSlot::ExtensionsDeadline:
        if (!shutdown_) return;
        for (auto& process : shutdown_->report.processes) {
            if (process.kind == ProcessKind::ExternalExtension && process.awaiting_exit() && !process.sigkill_at) {
                ports_.processes.kill_extension(process.name);
                process.sigkill_at = now();
            }
        }
        return;
    case TimerSlot::ShutdownGiveUp:
        if (shutdown_) complete_shutdown();
        return;
    }
}

} // namespace lambda_emu::core
