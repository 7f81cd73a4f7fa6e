#pragma once
// An extension as Lambda sees it (docs/lambda-rules.md §2): external (a process Lambda launched from the
// extensions directory) or internal (registered from inside the runtime under any other name).
#include "clock.hpp"
#include "exit_status.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::core {

// Lambda's limit on registered extensions, internal and external together.
inline constexpr std::size_t kMaxExtensions = 10;

enum class ExtensionKind { Internal, External };
const char* to_string(ExtensionKind kind);

enum class ExtensionState {
    Launched,   // started, not registered yet (external only)
    Registered, // registered, not yet called /event/next
    Ready,      // parked on /event/next
    Processing, // holds an INVOKE event it has not finished
    ShutDown,   // has been handed SHUTDOWN; nothing more is delivered
    InitError,  // posted /extension/init/error
    ExitError,  // posted /extension/exit/error
    Exited,
};
// RAPID's names for these states, as they appear in InvalidExtensionState messages.
const char* rapid_state_name(ExtensionState state);

struct ExtensionEvent {
    enum class Type { Invoke, Shutdown } type = Type::Invoke;
    std::string event_id; // Lambda-Extension-Event-Identifier (INVOKE only)
    std::int64_t deadline_ms = 0;
    std::string request_id;
    std::string invoked_function_arn;
    std::string trace_id;
    std::string shutdown_reason;
};

using ExtensionEventHandler = std::function<void(const ExtensionEvent&)>;

struct Extension {
    std::string name;
    ExtensionKind kind = ExtensionKind::Internal;
    std::string id; // Lambda-Extension-Identifier, once registered
    bool wants_invoke = false;
    bool wants_shutdown = false;
    ExtensionState state = ExtensionState::Launched;
    int pid = 0; // external only
    bool alive = false;
    std::optional<ExitStatus> exit_status;
    std::string error_type;          // Extension.InitError or Extension.ExitError, once it reported one
    std::string reported_error_type; // what it posted in Lambda-Extension-Function-Error-Type
    ExtensionEventHandler parked;
    std::optional<ExtensionEvent> undelivered; // waits for the extension's next /event/next

    bool registered() const { return !id.empty(); }
};

// What a launched external extension process is.
struct LaunchedExtension {
    std::string name; // the executable's file name: the name it must register under
    int pid = 0;
    std::string error; // non-empty: it could not start
};

enum class ExtensionCallErrorKind {
    InvalidExtensionName,
    InvalidRequestFormat,
    InvalidEventType,
    InvalidExtensionState,
    RegistrationClosed,
    TooManyExtensions,
    UnknownExtensionIdentifier,
};

struct ExtensionCallError {
    ExtensionCallErrorKind kind;
    std::string message;
};

using ExtensionCallResult = std::optional<ExtensionCallError>;

// What /extension/register answers.
struct Registration {
    std::string extension_id;
    std::string function_name;
    std::string function_version;
    std::string handler;
    std::string account_id;
};

} // namespace lambda_emu::core
