// An invocation from the caller's request to its END/REPORT: held behind a cold Init or a reset,
// started (its clock runs), delivered to the runtime and the INVOKE-subscribed extensions,
// answered, and closed normally or by a timeout, a crash or an interrupt (docs/lambda-rules.md §2.6, 4.3).
#include "environment.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace lambda_emu::core {

std::optional<SteadyTime> ActiveInvocation::started_at() const
{
    if (const auto* started = std::get_if<invocation_stage::Started>(&stage)) return started->started_at;
    if (const auto* in_runtime = delivered()) return in_runtime->started_at;
    return std::nullopt;
}

const invocation_stage::Delivered* ActiveInvocation::delivered() const
{
    if (const auto* delivered = std::get_if<invocation_stage::Delivered>(&stage)) return delivered;
    if (const auto* answered = std::get_if<invocation_stage::Answered>(&stage)) return &answered->delivered;
    if (const auto* done = std::get_if<invocation_stage::RuntimeDone>(&stage)) return &done->delivered;
    return nullptr;
}

const invocation_stage::RuntimeAnswer* ActiveInvocation::runtime_answer() const
{
    if (const auto* answered = std::get_if<invocation_stage::Answered>(&stage)) return &answered->answer;
    if (const auto* done = std::get_if<invocation_stage::RuntimeDone>(&stage)) return &done->answer;
    return nullptr;
}

std::optional<InvokeRefusal> Environment::invoke(InvokeRequest request, ResponseHandler respond)
{
    if (spinning_down_for_good()) return InvokeRefusal::ShuttingDown;
    if (invocations_.full()) return InvokeRefusal::Busy;

    ActiveInvocation active;
    active.invocation.request_id = request.request_id.empty() ? ports_.new_request_id() : request.request_id;
    active.invocation.invoked_function_arn =
        request.invoked_function_arn.empty() ? config_.arn() : request.invoked_function_arn;
    active.invocation.request = std::move(request);
    active.respond = std::move(respond);
    auto& added = invocations_.add(std::move(active));

    // Behind a cold Init or a reset the invocation waits; its clock starts when it can run. Under
    // Managed Instances one also joins those in flight.
    if (is<environment_state::Idle>() || is<environment_state::Uninitialized>() || is<environment_state::Invoke>()) {
        start_invocation(added);
    }
    return std::nullopt;
}

void Environment::start_invocation(ActiveInvocation& active)
{
    const SteadyTime started_at = now();
    active.stage = invocation_stage::Started{started_at};
    if (debug_ == DebugMode::Debugging) {
        // No timer: a function held at a breakpoint must not be killed (core/debug_mode.hpp).
        active.invocation.deadline_epoch_ms = ports_.clock.epoch_ms(started_at + kDebuggingDeadline);
    } else {
        active.invocation.deadline_epoch_ms = ports_.clock.epoch_ms(started_at + config_.timeout);
        active.deadline = started_at + config_.timeout;
        rearm_invoke_deadline();
    }
    if (auto* idle = std::get_if<environment_state::Idle>(&state_)) {
        active.init_duration_ms = idle->cold_init_duration_ms;
        state_ = environment_state::Invoke{};
        offer_to_runtime(active);
    } else if (is<environment_state::Invoke>()) {
        // Managed Instances: beside the others, unless a suppressed Init runs first.
        if (!current_init()) offer_to_runtime(active);
    } else {
        // After a reset or a failed Init: a suppressed init, counted against this invocation.
        begin_init(InitPhase::Invoke);
    }
}

void Environment::start_held_invocations()
{
    for (const auto& id : invocations_.request_ids_in_stage_held()) {
        if (auto* held = invocations_.find(id)) start_invocation(*held);
    }
}

void Environment::offer_to_runtime(ActiveInvocation& active)
{
    // On demand the runtime holds the one poll (or polls again, and is given the invocation then).
    if (!many_at_once()) {
        deliver_invocation(active, parked_next_.take());
        return;
    }
    // Otherwise it waits for the next poll.
    if (auto poll = parked_next_.take()) deliver_invocation(active, std::move(poll));
}

void Environment::deliver_invocation(ActiveInvocation& active, NextHandler poll)
{
    thaw(); // before any event goes out: the runtime and the extensions must be able to take it
    if (!many_at_once()) runtime_ = RuntimeState::Running;
    active.stage = invocation_stage::Delivered{*active.started_at(), now()};
    ports_.observer.invocation_started(active.invocation);
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
    if (poll) poll(active.invocation);
}

// On demand the invocation ends when the runtime called /next after answering and every
// INVOKE-subscribed extension called /event/next (docs/lambda-rules.md §2.6): only then does
// REPORT's Duration stop.
void Environment::end_invocation_if_everyone_is_done()
{
    if (!is<environment_state::Invoke>() || many_at_once()) return;
    auto* active = invocations_.first();
    if (!active || !active->runtime_done()) return;
    for (const auto& extension : extensions_) {
        // One that reported an error holds the invocation: it fails when the extension exits.
        if (extension.state == ExtensionState::Processing || extension.state == ExtensionState::ExitError) return;
    }
    end_invocation_normally(active->invocation.request_id);
}

// Under Managed Instances the runtime's pollers are not tied to invocations: a /next after an
// answer may come from any of them, so the answer itself is the runtime being done with it.
void Environment::end_answered_invocation(std::string_view request_id)
{
    // On demand the runtime's next /next ends it: nothing to do on the answer's path.
    if (!many_at_once() || !is<environment_state::Invoke>()) return;
    auto* active = invocations_.find(request_id);
    if (!active) return;
    auto answered = std::get<invocation_stage::Answered>(std::move(active->stage));
    active->stage = invocation_stage::RuntimeDone{answered.delivered, answered.answer};
    announce_runtime_done(*active, answered.answer.status, answered.answer.error_type);
    end_invocation_normally(active->invocation.request_id);
}

void Environment::answer(ActiveInvocation& active, InvokeOutcome outcome, Payload payload, std::string content_type,
                         std::string error_type)
{
    if (active.caller == CallerState::Answered) return;
    const bool streamed = active.caller == CallerState::Streaming;
    active.caller = CallerState::Answered;
    if (!payload) payload = make_payload({});
    auto respond = std::move(active.respond);
    if (respond) {
        respond(InvokeResult{active.invocation.request_id, outcome, std::move(payload), std::move(content_type),
                             std::move(error_type), streamed});
    }
}

Environment::ClosedInvocation Environment::close_invocation(const std::string& request_id, InvokeStatus status,
                                                            std::string error_type)
{
    ClosedInvocation closed{invocations_.take(request_id), {}};
    rearm_invoke_deadline();
    const auto& active = closed.invocation;
    auto& report = closed.report;
    report.request_id = active.invocation.request_id;
    report.version = config_.version;
    report.status = status;
    report.error_type = std::move(error_type);
    report.started_at = active.started_at().value_or(now());
    report.ended_at = now();
    report.duration_ms = to_ms(report.ended_at - report.started_at);
    report.init_duration_ms = active.init_duration_ms;
    // Lambda bills the Init that a cold start's invocation waited for with it, whatever the runtime
    // (since August 2025: docs/lambda-rules.md §3.6), rounded up to the millisecond.
    report.billed_duration_ms =
        static_cast<std::int64_t>(std::ceil(report.duration_ms + report.init_duration_ms.value_or(0.0)));
    report.memory_size_mb = config_.memory_mb;
    // A process that ran used some memory: a peak read as 0 MB (one that died before it was read,
    // or less than half a megabyte) is reported as Lambda never does, so it is at least 1.
    report.max_memory_used_mb = std::max(1, ports_.processes.runtime_peak_memory_mb());
    ports_.processes.track_descendants(false);
    return closed;
}

// One timer keeps every invocation's deadline: armed for the earliest, moved as they come and go.
void Environment::rearm_invoke_deadline()
{
    if (const auto earliest = invocations_.earliest_deadline()) ports_.timers.arm(TimerSlot::InvokeDeadline, *earliest);
    else ports_.timers.cancel(TimerSlot::InvokeDeadline);
}

void Environment::announce_end(ClosedInvocation& closed)
{
    // One that never reached the runtime was never announced: START comes before END all the same.
    if (!closed.invocation.delivered()) ports_.observer.invocation_started(closed.invocation.invocation);
    ports_.observer.invocation_finished(closed.report);
}

void Environment::announce_runtime_done(const ActiveInvocation& active, InvokeStatus status,
                                        const std::string& error_type)
{
    const auto started_at = active.started_at();
    const auto* delivered = active.delivered();
    const auto* answer = active.runtime_answer();
    RuntimeDoneReport done;
    done.request_id = active.invocation.request_id;
    done.status = status;
    done.error_type = error_type;
    done.duration_ms = started_at ? to_ms(now() - *started_at) : 0;
    done.produced_bytes = answer ? answer->produced_bytes : 0;
    done.delivered_at = delivered ? delivered->delivered_at : now();
    done.response_latency_ms = answer && delivered ? to_ms(answer->at - delivered->delivered_at) : 0;
    ports_.observer.runtime_done(done);
}

void Environment::end_invocation_normally(std::string request_id)
{
    const auto answer = std::get<invocation_stage::RuntimeDone>(invocations_.find(request_id)->stage).answer;
    auto closed = close_invocation(request_id, answer.status, answer.error_type);
    if (invocations_.empty()) state_ = environment_state::Idle{};
    announce_end(closed);
    // Unless whoever heard END/REPORT handed over the next invocation at once.
    freeze_if_idle();
}

void Environment::invoke_deadline_passed()
{
    if (!is<environment_state::Invoke>()) return;
    if (!many_at_once()) {
        if (const auto* active = invocations_.first()) invocation_timed_out(active->invocation.request_id);
        return;
    }
    for (const auto& id : invocations_.request_ids()) {
        const auto* active = invocations_.find(id);
        if (!is<environment_state::Invoke>()) return; // a timeout reset the environment
        if (active && active->deadline && *active->deadline <= now()) invocation_timed_out_alone(id);
    }
    rearm_invoke_deadline();
}

void Environment::invocation_timed_out(std::string request_id)
{
    // RAPID reports runtimeDone with the reset's status before shutting down (docs/lambda-rules.md §3.4).
    announce_runtime_done(*invocations_.find(request_id), InvokeStatus::Timeout, "Sandbox.Timedout");
    auto closed = close_invocation(request_id, InvokeStatus::Timeout, "Sandbox.Timedout");
    begin_shutdown(ShutdownReason::Timeout, false);
    answer(closed.invocation, InvokeOutcome::Timeout,
           make_payload(error_json("Sandbox.Timedout", timeout_message(request_id, config_.timeout))),
           "application/json", "Sandbox.Timedout");
    announce_end(closed);
}

// AWS: "when one times out Lambda marks that invocation failed but does not interrupt other running
// invocations or terminate the environment"; the code that timed out is not stopped either.
void Environment::invocation_timed_out_alone(std::string request_id)
{
    announce_runtime_done(*invocations_.find(request_id), InvokeStatus::Timeout, "Sandbox.Timedout");
    auto closed = close_invocation(request_id, InvokeStatus::Timeout, "Sandbox.Timedout");
    timed_out_.push_back(request_id);
    if (timed_out_.size() > kRememberedTimeouts) timed_out_.pop_front();
    if (invocations_.empty()) state_ = environment_state::Idle{};
    answer(closed.invocation, InvokeOutcome::Timeout,
           make_payload(error_json("Sandbox.Timedout", timeout_message(request_id, config_.timeout))),
           "application/json", "Sandbox.Timedout");
    announce_end(closed);
}

void Environment::runtime_died_mid_invocation(ExitStatus status)
{
    // Past its memory size the message stays "signal: killed"; the type says why (docs/lambda-rules.md §4.3).
    const std::string error_type = status.runtime_error_type();
    // Every invocation the runtime held dies with it.
    std::vector<ClosedInvocation> closed;
    for (const auto& id : invocations_.request_ids()) {
        auto& active = *invocations_.find(id);
        if (!active.runtime_done()) announce_runtime_done(active, InvokeStatus::Failure, error_type);
        closed.push_back(close_invocation(id, InvokeStatus::Failure, error_type));
    }
    begin_shutdown(ShutdownReason::Failure, false);
    for (auto& one : closed) {
        const std::string message = runtime_exit_message(one.invocation.invocation.request_id, status);
        ports_.observer.runtime_exit_during_invocation(one.invocation.invocation.request_id, message);
        // A runtime that answered before dying keeps its answer (docs/lambda-rules.md §4.3).
        answer(one.invocation, InvokeOutcome::RuntimeExit, make_payload(error_json(error_type, message)),
               "application/json", error_type);
        announce_end(one);
    }
}

void Environment::interrupt_invocation(ClosedInvocation closed)
{
    answer(closed.invocation, InvokeOutcome::Interrupted,
           make_payload(
               error_json("Emulator.Interrupted", "RequestId: " + closed.invocation.invocation.request_id +
                                                      " Error: the emulator was shut down during the invocation")),
           "application/json", "Emulator.Interrupted");
    announce_end(closed);
}

} // namespace lambda_emu::core
