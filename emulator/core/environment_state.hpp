#pragma once
// Where an environment stands, and where the invocation it holds stands, as named states that
// carry the data valid only in them: an Init in progress has its start time and any posted
// /init/error, a Shutdown phase its record, a delivered invocation its delivery time.
#include "invocation.hpp"
#include "runtime_calls.hpp"
#include "shutdown.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <variant>

namespace lambda_emu::core {

enum class Phase {
    Uninitialized, // no runtime: before the first Init, or after a reset
    Init,          // a cold Init (phase "init")
    Idle,          // initialised, runtime parked on /next
    Invoke,        // an invocation in flight, including a suppressed init inside it
    Shutdown,      // a reset or the final spin-down
    Done,
};
const char* to_string(Phase phase);

// Whether the environment's processes may run. Lambda freezes them once an Init or an invocation
// is over and thaws them for the next event or the Shutdown phase (docs/lambda-rules.md §4.5).
enum class FreezeState {
    Thawed, // running: Init, an invocation, the Shutdown phase, or no process at all
    Frozen, // idle between events: nothing runs
};
const char* to_string(FreezeState state);

// An Init under way: the cold one, or one suppressed inside an invocation after a reset.
struct InitInProgress {
    struct PostedError {
        RuntimeError error; // what the runtime posted to /init/error
        SteadyTime at;      // Init's duration ends here, not when the runtime exits afterwards
    };
    InitPhase phase = InitPhase::Init;
    SteadyTime started_at{};
    std::optional<PostedError> posted_error;
    bool registration_closed = false; // at the runtime's first /next
};

struct ShutdownInProgress {
    ShutdownReport report;
    bool final = false;           // a spin-down for good: no reset follows, the environment is done
    bool extensions_told = false; // the runtime is gone: SHUTDOWN went out to extensions
};

// The states of an environment (Phase names them for the outside).
namespace environment_state {
struct Uninitialized {
    static constexpr Phase kPhase = Phase::Uninitialized;
};
struct Init {
    static constexpr Phase kPhase = Phase::Init;
    InitInProgress init;
};
struct Idle {
    static constexpr Phase kPhase = Phase::Idle;
    std::optional<double> cold_init_duration_ms; // reported with the first invocation after a cold Init
};
struct Invoke {
    static constexpr Phase kPhase = Phase::Invoke;
    std::optional<InitInProgress> suppressed_init; // after a reset the invocation initialises a new runtime first
};
struct Shutdown {
    static constexpr Phase kPhase = Phase::Shutdown;
    ShutdownInProgress shutdown;
};
struct Done {
    static constexpr Phase kPhase = Phase::Done;
};
} // namespace environment_state

using EnvironmentState =
    std::variant<environment_state::Uninitialized, environment_state::Init, environment_state::Idle,
                 environment_state::Invoke, environment_state::Shutdown, environment_state::Done>;

// The stages of an invocation, in order: Held -> Started -> Delivered -> Answered -> RuntimeDone.
namespace invocation_stage {
struct Held {}; // behind a cold Init or a reset: its clock has not started
struct Started {
    SteadyTime started_at; // the timeout clock runs; a suppressed Init may come before the runtime sees it
};
struct Delivered {
    SteadyTime started_at;
    SteadyTime delivered_at; // the runtime got it on /next
};
// What the runtime posted (/response, /error, or a response the environment refused).
struct RuntimeAnswer {
    SteadyTime at;
    std::size_t produced_bytes = 0;
    InvokeStatus status = InvokeStatus::Success;
    std::string error_type;
};
struct Answered {
    Delivered delivered;
    RuntimeAnswer answer;
};
struct RuntimeDone { // the runtime answered and called /next again; extensions may still be busy
    Delivered delivered;
    RuntimeAnswer answer;
};
} // namespace invocation_stage

using InvocationStage = std::variant<invocation_stage::Held, invocation_stage::Started, invocation_stage::Delivered,
                                     invocation_stage::Answered, invocation_stage::RuntimeDone>;

// The caller's side of an invocation, which moves on its own: a streamed answer begins before
// the runtime's /response is complete, and an invocation that fails is answered as it closes.
enum class CallerState {
    Waiting,   // nothing sent yet
    Streaming, // the caller is being sent the runtime's stream
    Answered,  // the answer (or the end of the stream) went out: nothing more is sent
};

struct ActiveInvocation {
    Invocation invocation;
    ResponseHandler respond;
    InvocationStage stage;
    CallerState caller = CallerState::Waiting;
    std::optional<double> init_duration_ms; // a cold Init's, on the first invocation after it
    std::optional<SteadyTime> deadline;     // from its start: started_at + the timeout (none while debugging)

    std::optional<SteadyTime> started_at() const;
    // Set from the moment the runtime got the invocation.
    const invocation_stage::Delivered* delivered() const;
    // Set from the moment the runtime answered.
    const invocation_stage::RuntimeAnswer* runtime_answer() const;
    bool runtime_done() const { return std::holds_alternative<invocation_stage::RuntimeDone>(stage); }
};

} // namespace lambda_emu::core
