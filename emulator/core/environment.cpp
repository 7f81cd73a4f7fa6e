#include "environment.hpp"

#include <cstdio>
#include <utility>

namespace lambda_emu::core {

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

const char* to_string(FreezeState state)
{
    switch (state) {
    case FreezeState::Thawed: return "thawed";
    case FreezeState::Frozen: return "frozen";
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

std::string runtime_state_transition_message(RuntimeState from, const char* to)
{
    return std::string{"State transition from "} + rapid_state_name(from) + " to " + to +
           " failed for runtime. Error: State transition is not allowed";
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

Environment::Environment(FunctionConfig config, ShutdownOverrides overrides, DebugMode debug, Ports ports)
    : config_{std::move(config)}, overrides_{overrides}, debug_{debug}, ports_{std::move(ports)},
      parked_next_{many_at_once() ? kMostParkedPolls : 1}, invocations_{
                                                               static_cast<std::size_t>(config_.max_concurrency)}
{
}

// ---------------------------------------------------------------- where it stands

Phase Environment::phase() const
{
    return std::visit([](const auto& state) { return state.kPhase; }, state_);
}

const InitInProgress* Environment::current_init() const
{
    if (const auto* init = std::get_if<environment_state::Init>(&state_)) return &init->init;
    if (const auto* invoke = std::get_if<environment_state::Invoke>(&state_); invoke && invoke->suppressed_init) {
        return &*invoke->suppressed_init;
    }
    return nullptr;
}

InitInProgress* Environment::current_init()
{
    return const_cast<InitInProgress*>(std::as_const(*this).current_init());
}

ShutdownInProgress* Environment::shutdown_in_progress()
{
    auto* shutting_down = std::get_if<environment_state::Shutdown>(&state_);
    return shutting_down ? &shutting_down->shutdown : nullptr;
}

bool Environment::spinning_down_for_good() const
{
    if (is<environment_state::Done>()) return true;
    const auto* shutting_down = std::get_if<environment_state::Shutdown>(&state_);
    return shutting_down && shutting_down->shutdown.final;
}

// ---------------------------------------------------------------- freeze and thaw

// Idle as Lambda counts it: the environment is Idle (Init over, or the invocation ended because
// the runtime called /next after answering and every INVOKE subscriber called /event/next) and
// no invocation waits to be delivered. Lambda freezes it here (docs/lambda-rules.md §4.5); while
// debugging it runs on, so that a debugger client can talk to the runtime (core/debug_mode.hpp).
void Environment::freeze_if_idle()
{
    // Nor under Managed Instances, whose environments run on between invocations.
    if (debug_ == DebugMode::Debugging || many_at_once()) return;
    if (freeze_ == FreezeState::Frozen || !is<environment_state::Idle>() || !invocations_.empty()) return;
    freeze_ = FreezeState::Frozen;
    ports_.processes.freeze_environment();
    ports_.observer.environment_frozen();
}

void Environment::thaw()
{
    if (freeze_ == FreezeState::Thawed) return;
    freeze_ = FreezeState::Thawed;
    ports_.processes.thaw_environment();
    ports_.observer.environment_thawed();
}

// ---------------------------------------------------------------- exits and timers

void Environment::on_runtime_exited(ExitStatus status)
{
    runtime_ = RuntimeState::Exited;
    runtime_exit_ = status;
    if (is<environment_state::Shutdown>()) {
        // Its /next is let go only after the exit is recorded: a shell bootstrap's real runtime
        // still holds that poll, and closing it first could make it exit (on a busy machine,
        // before the emulator counts what the shell left running).
        record_runtime_exit_in_shutdown(status);
        parked_next_.clear();
        return;
    }
    parked_next_.clear();

    if (const auto* init = current_init()) {
        if (init->posted_error) {
            const auto& posted = init->posted_error->error;
            fail_init(InitStatus::Error, normalized_error_type(posted.error_type), posted.body, posted.content_type);
        } else {
            fail_init(InitStatus::Error, status.runtime_error_type(),
                      make_payload(
                          error_json(status.runtime_error_type(), runtime_exit_message(current_request_id(), status))),
                      "application/json");
        }
    } else if (is<environment_state::Invoke>()) {
        runtime_died_mid_invocation(status);
    } else if (is<environment_state::Idle>()) {
        // Died between invocations: the next one initialises a new runtime.
        begin_shutdown(ShutdownReason::Failure, false);
    }
}

void Environment::on_timer(TimerSlot slot)
{
    switch (slot) {
    case TimerSlot::InitDeadline:
        if (is<environment_state::Init>()) fail_init(InitStatus::Timeout, {}, nullptr, "application/json");
        return;
    case TimerSlot::InvokeDeadline: invoke_deadline_passed(); return;
    case TimerSlot::InitErrorGrace:
        if (const auto* init = current_init(); init && runtime_ == RuntimeState::InitError && init->posted_error) {
            const auto& posted = init->posted_error->error;
            fail_init(InitStatus::Error, normalized_error_type(posted.error_type), posted.body, posted.content_type);
        }
        return;
    case TimerSlot::ExtensionErrorGrace:
        for (auto& extension : extensions_) {
            if (extension.alive &&
                (extension.state == ExtensionState::InitError || extension.state == ExtensionState::ExitError)) {
                extension_failed(extension.error_type,
                                 "extension " + extension.name + " reported " + extension.reported_error_type);
                return;
            }
        }
        return;
    case TimerSlot::RuntimeShare:
        if (auto* runtime = shutdown_entry(ProcessIdentity::runtime()); runtime && runtime->awaiting_exit()) {
            kill_at_deadline(*runtime);
        }
        return;
    case TimerSlot::ExtensionsDeadline:
        if (auto* progress = shutdown_in_progress()) {
            for (auto& process : progress->report.processes) {
                if (process.kind == ProcessKind::ExternalExtension && process.awaiting_exit() && !process.sigkill_at) {
                    kill_at_deadline(process);
                }
            }
        }
        return;
    case TimerSlot::ShutdownGiveUp:
        if (is<environment_state::Shutdown>()) complete_shutdown();
        return;
    case TimerSlot::EvidenceLook:
        if (is<environment_state::Shutdown>()) look_again();
        return;
    }
}

} // namespace lambda_emu::core
