// The Extensions API side of an environment (docs/lambda-rules.md §2): registration and its rules,
// events for extensions, their errors and their exits.
#include "environment.hpp"

#include <algorithm>
#include <utility>

namespace lambda_emu::core {

namespace {

// After init/error or exit/error the extension is expected to exit by itself (it should read its
// 202 first); then, or after this long, the environment fails.
constexpr Millis kErrorExitGrace{500};

std::string extension_transition_message(ExtensionState from, const char* to, const std::string& name)
{
    return std::string{"State transition from "} + rapid_state_name(from) + " to " + to + " failed for extension " +
           name + ". Error: State transition is not allowed";
}

} // namespace

const char* to_string(ExtensionKind kind)
{
    return kind == ExtensionKind::Internal ? "internal" : "external";
}

const char* rapid_state_name(ExtensionState state)
{
    switch (state) {
    case ExtensionState::Launched: return "Launched";
    case ExtensionState::Registered: return "Registered";
    case ExtensionState::Ready: return "Ready";
    case ExtensionState::Processing: return "Running";
    case ExtensionState::ShutDown: return "ShutdownStarted";
    case ExtensionState::InitError: return "InitError";
    case ExtensionState::ExitError: return "ExitError";
    case ExtensionState::Exited: return "Exited";
    }
    return "Unknown";
}

namespace {

template <class Extensions> auto* registered_with_id(Extensions& extensions, std::string_view extension_id)
{
    auto found = std::find_if(extensions.begin(), extensions.end(),
                              [&](const Extension& e) { return e.registered() && e.id == extension_id; });
    return found == extensions.end() ? nullptr : &*found;
}

} // namespace

Extension* Environment::find_extension_by_id(std::string_view extension_id)
{
    return registered_with_id(extensions_, extension_id);
}

const Extension* Environment::extension_by_id(std::string_view extension_id) const
{
    return registered_with_id(extensions_, extension_id);
}

Extension* Environment::find_external(const std::string& name)
{
    auto found = std::find_if(extensions_.begin(), extensions_.end(),
                              [&](const Extension& e) { return e.kind == ExtensionKind::External && e.name == name; });
    return found == extensions_.end() ? nullptr : &*found;
}

std::variant<Registration, ExtensionCallError> Environment::extension_register(const std::string& name,
                                                                               const std::vector<std::string>& events)
{
    using Kind = ExtensionCallErrorKind;
    if (name.empty()) return ExtensionCallError{Kind::InvalidExtensionName, "Empty extension name"};
    bool wants_invoke = false;
    bool wants_shutdown = false;
    for (const auto& event : events) {
        // Under Managed Instances extensions hear of SHUTDOWN only (docs/managed-instances.md).
        if (event == "INVOKE" && many_at_once()) {
            return ExtensionCallError{Kind::InvalidEventType,
                                      "INVOKE: ErrorInvalidEventType (not supported by Lambda Managed Instances)"};
        }
        if (event == "INVOKE") wants_invoke = true;
        else if (event == "SHUTDOWN") wants_shutdown = true;
        else return ExtensionCallError{Kind::InvalidEventType, event + ": ErrorInvalidEventType"};
    }
    // RAPID's rule: the name of a launched executable makes it external; any other is internal.
    Extension* extension = find_external(name);
    if (extension) {
        if (extension->state != ExtensionState::Launched) {
            return ExtensionCallError{Kind::InvalidExtensionState, "Extension with this name already registered"};
        }
    } else {
        if (std::any_of(extensions_.begin(), extensions_.end(), [&](const Extension& e) { return e.name == name; })) {
            return ExtensionCallError{Kind::InvalidExtensionState, "Extension with this name already registered"};
        }
        if (const auto* init = current_init(); !init || init->registration_closed) {
            return ExtensionCallError{Kind::RegistrationClosed, "Extension registration closed already"};
        }
        if (wants_shutdown) {
            return ExtensionCallError{Kind::InvalidEventType,
                                      "SHUTDOWN: ShutdownEventNotSupportedForInternalExtension"};
        }
    }
    const auto registered =
        std::count_if(extensions_.begin(), extensions_.end(), [](const Extension& e) { return e.registered(); });
    if (static_cast<std::size_t>(registered) >= kMaxExtensions) {
        return ExtensionCallError{Kind::TooManyExtensions, "Extension limit (10) reached"};
    }
    if (!extension) {
        extensions_.push_back(Extension{});
        extension = &extensions_.back();
        extension->name = name;
        extension->kind = ExtensionKind::Internal;
        extension->alive = true;
    }
    extension->id = ports_.new_request_id();
    extension->state = ExtensionState::Registered;
    extension->wants_invoke = wants_invoke;
    extension->wants_shutdown = wants_shutdown;
    Registration registration{extension->id, config_.name, config_.version, config_.handler, config_.account_id};
    if (extension->kind == ExtensionKind::External) start_runtime_once_extensions_registered();
    return registration;
}

void Environment::deliver_to_extension(Extension& extension, ExtensionEvent event)
{
    if (!extension.parked) {
        extension.undelivered = std::move(event);
        return;
    }
    if (event.type == ExtensionEvent::Type::Shutdown) {
        if (auto* process = shutdown_entry(ProcessIdentity::extension(extension.name))) {
            process->shutdown_event_at = now();
        }
    }
    auto on_event = std::exchange(extension.parked, {});
    on_event(event);
}

ExtensionCallResult Environment::extension_next(std::string_view extension_id, ExtensionEventHandler on_event)
{
    Extension* extension = find_extension_by_id(extension_id);
    if (!extension) {
        return ExtensionCallError{ExtensionCallErrorKind::UnknownExtensionIdentifier,
                                  "Unknown extension " + std::string{extension_id}};
    }
    switch (extension->state) {
    case ExtensionState::Registered: // done with its init
        extension->state = ExtensionState::Ready;
        extension->parked = std::move(on_event);
        finish_init_if_everyone_is_ready();
        return std::nullopt;
    case ExtensionState::Ready: extension->parked = std::move(on_event); return std::nullopt;
    case ExtensionState::Processing:
    case ExtensionState::ShutDown:
        extension->parked = std::move(on_event);
        if (extension->undelivered) {
            auto event = std::move(*extension->undelivered);
            extension->undelivered.reset();
            deliver_to_extension(*extension, std::move(event));
        } else if (extension->state == ExtensionState::Processing) { // done with its INVOKE event
            extension->state = ExtensionState::Ready;
            end_invocation_if_everyone_is_done();
        }
        return std::nullopt; // after SHUTDOWN nothing more is delivered: the poll stays parked
    case ExtensionState::Launched:
    case ExtensionState::InitError:
    case ExtensionState::ExitError:
    case ExtensionState::Exited: break;
    }
    return ExtensionCallError{ExtensionCallErrorKind::InvalidExtensionState,
                              extension_transition_message(extension->state, "Ready", extension->name)};
}

ExtensionCallResult Environment::enter_error_state(std::string_view extension_id, ExtensionState error_state,
                                                   const char* target, const std::string& error_type)
{
    Extension* extension = find_extension_by_id(extension_id);
    if (!extension) {
        return ExtensionCallError{ExtensionCallErrorKind::UnknownExtensionIdentifier,
                                  "Unknown Lambda-Extension-Identifier"};
    }
    // Repeated calls in an error state are accepted; only the first error counts.
    if (extension->state == ExtensionState::InitError || extension->state == ExtensionState::ExitError)
        return std::nullopt;
    const bool allowed = error_state == ExtensionState::InitError ? extension->state == ExtensionState::Registered
                                                                  : (extension->state == ExtensionState::Registered ||
                                                                     extension->state == ExtensionState::Ready ||
                                                                     extension->state == ExtensionState::Processing);
    if (!allowed) {
        return ExtensionCallError{ExtensionCallErrorKind::InvalidExtensionState,
                                  extension_transition_message(extension->state, target, extension->name)};
    }
    extension->state = error_state;
    // RAPID reports the category; the extension's own type goes into the message.
    extension->error_type = error_state == ExtensionState::InitError ? "Extension.InitError" : "Extension.ExitError";
    extension->reported_error_type = error_type;
    extension->parked = {};
    ports_.timers.arm(TimerSlot::ExtensionErrorGrace, now() + kErrorExitGrace);
    return std::nullopt;
}

ExtensionCallResult Environment::extension_init_error(std::string_view extension_id, const std::string& error_type)
{
    return enter_error_state(extension_id, ExtensionState::InitError, "InitError", error_type);
}

ExtensionCallResult Environment::extension_exit_error(std::string_view extension_id, const std::string& error_type)
{
    return enter_error_state(extension_id, ExtensionState::ExitError, "ExitError", error_type);
}

void Environment::on_extension_exited(const std::string& name, ExitStatus status)
{
    Extension* extension = find_external(name);
    if (!extension || !extension->alive) return;
    const ExtensionState before = extension->state;
    extension->alive = false;
    extension->exit_status = status;
    extension->parked = {};
    extension->state = ExtensionState::Exited;
    if (is<environment_state::Shutdown>()) {
        record_extension_exit_in_shutdown(*extension);
        return;
    }
    if (before == ExtensionState::InitError || before == ExtensionState::ExitError) {
        extension_failed(extension->error_type, "extension " + name + " reported " + extension->reported_error_type);
    } else if (status.killed_for == KilledFor::MemoryLimit) {
        // The kernel's OOM killer chose the extension: the environment ran out of memory, and
        // Lambda says so whichever of its processes was killed.
        extension_failed("Runtime.OutOfMemory",
                         "extension " + name + " was killed: the environment passed its memory size");
    } else {
        extension_failed("Extension.Crash", "extension " + name + " exited: " + status.describe());
    }
}

// An extension failed (crashed, or reported an error): Init fails, or the invocation does, and
// the environment resets (docs/lambda-rules.md §2.3, 4.3).
void Environment::extension_failed(const std::string& error_type, const std::string& detail)
{
    ports_.timers.cancel(TimerSlot::ExtensionErrorGrace);
    if (current_init()) {
        fail_init(InitStatus::Error, error_type,
                  make_payload(error_json(error_type, "RequestId: " + current_request_id() + " Error: " + detail)),
                  "application/json");
        return;
    }
    if (is<environment_state::Invoke>() && !invocations_.empty()) {
        std::vector<ClosedInvocation> failed;
        for (const auto& id : invocations_.request_ids())
            failed.push_back(close_invocation(id, InvokeStatus::Failure, error_type));
        begin_shutdown(ShutdownReason::Failure, false);
        for (auto& one : failed) {
            const std::string& id = one.invocation.invocation.request_id;
            answer(one.invocation, InvokeOutcome::ExtensionFailure,
                   make_payload(error_json(error_type, "RequestId: " + id + " Error: " + detail)), "application/json",
                   error_type);
            announce_end(one);
        }
        return;
    }
    if (is<environment_state::Idle>()) begin_shutdown(ShutdownReason::Failure, false);
}

} // namespace lambda_emu::core
