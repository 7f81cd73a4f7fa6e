// Init, cold or suppressed inside an invocation after a reset (docs/lambda-rules.md §2.5, 2.6): external
// extensions start first, the runtime once they have registered, and Init ends when the runtime
// and every registered extension have asked for their next event, or fails.
#include "environment.hpp"

#include <utility>

namespace lambda_emu::core {

namespace {

// After /init/error the runtime is expected to exit by itself (docs/lambda-rules.md §1.6). It gets this
// long to do so, so that it can read the 202, before the reset kills it.
constexpr Millis kInitErrorExitGrace{500};

} // namespace

void Environment::start_init()
{
    if (!is<environment_state::Uninitialized>()) return;
    begin_init(InitPhase::Init);
}

void Environment::begin_init(InitPhase phase)
{
    InitInProgress init;
    init.phase = phase;
    init.started_at = now();
    if (phase == InitPhase::Init) state_ = environment_state::Init{init};
    else state_ = environment_state::Invoke{init};
    runtime_exit_.reset();
    extensions_.clear();
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
    // A suppressed init is bounded by the invocation's own timeout instead; while debugging neither
    // is bounded: a breakpoint in the function's init code must not be killed.
    if (phase == InitPhase::Init && debug_ == DebugMode::Off)
        ports_.timers.arm(TimerSlot::InitDeadline, init.started_at + config_.init_timeout);
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
    if (!current_init() || runtime_ != RuntimeState::NotStarted) return;
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
    const auto* first = invocations_.first();
    return first ? first->invocation.request_id : std::string{};
}

// Init ends when the runtime and every registered extension have called next (docs/lambda-rules.md §2.6).
void Environment::finish_init_if_everyone_is_ready()
{
    if (!current_init() || runtime_ != RuntimeState::Ready) return;
    for (const auto& extension : extensions_) {
        if (extension.registered() && extension.state != ExtensionState::Ready) return;
    }
    finish_init_success();
}

void Environment::finish_init_success()
{
    const InitInProgress init = *current_init();
    ports_.timers.cancel(TimerSlot::InitDeadline);
    const double duration = to_ms(now() - init.started_at);
    if (init.phase == InitPhase::Init) state_ = environment_state::Idle{duration};
    else std::get<environment_state::Invoke>(state_).suppressed_init.reset();
    ports_.observer.extensions_initialised(extensions_);
    ports_.observer.init_finished(InitReport{init.phase, InitStatus::Success, {}, duration, init.started_at});
    if (invocations_.empty()) {
        freeze_if_idle(); // initialised ahead of any invocation: frozen until one comes
        return;
    }
    if (is<environment_state::Idle>()) {
        start_held_invocations(); // held behind the cold Init
    } else if (is<environment_state::Invoke>()) {
        // Those that waited for the suppressed Init go to the runtime now, oldest first.
        for (const auto& id : invocations_.request_ids()) {
            auto* waiting = invocations_.find(id);
            if (waiting && std::holds_alternative<invocation_stage::Started>(waiting->stage)) {
                offer_to_runtime(*waiting);
            }
        }
    }
}

void Environment::fail_init(InitStatus status, const std::string& error_type, Payload caller_payload,
                            std::string content_type)
{
    const InitInProgress init = *current_init();
    ports_.timers.cancel(TimerSlot::InitDeadline);
    ports_.timers.cancel(TimerSlot::InitErrorGrace);
    const SteadyTime ended = init.posted_error ? init.posted_error->at : now();
    ports_.observer.init_finished(
        InitReport{init.phase, status, error_type, to_ms(ended - init.started_at), init.started_at,
                   caller_payload ? error_message_of(*caller_payload, kMaxInitErrorMessage) : std::string{}});

    // A suppressed Init fails the invocations that waited for it; a cold one's wait for the next.
    std::vector<ClosedInvocation> failed;
    if (init.phase == InitPhase::Invoke) {
        for (const auto& id : invocations_.request_ids())
            failed.push_back(close_invocation(id, InvokeStatus::Error, error_type));
    }
    begin_shutdown(ShutdownReason::Failure, false);
    for (auto& one : failed) {
        answer(one.invocation, InvokeOutcome::InitFailure, caller_payload, content_type, error_type);
        announce_end(one);
    }
}

RuntimeCallResult Environment::runtime_init_error(RuntimeError error)
{
    // Only the `Started` state allows InitError (docs/lambda-rules.md §1.6).
    auto* init = current_init();
    if (runtime_ != RuntimeState::Started || !init) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidStateTransition,
                                runtime_state_transition_message(runtime_, "InitError")};
    }
    runtime_ = RuntimeState::InitError;
    init->posted_error = InitInProgress::PostedError{std::move(error), now()};
    ports_.timers.cancel(TimerSlot::InitDeadline);
    ports_.timers.arm(TimerSlot::InitErrorGrace, init->posted_error->at + kInitErrorExitGrace);
    return std::nullopt;
}

} // namespace lambda_emu::core
