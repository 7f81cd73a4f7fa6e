#pragma once
// core/: Lambda's lifecycle as a state machine; no sockets, no processes, no Beast.
//
// One execution environment: the runtime and its extensions through Init, Invoke and
// Shutdown, as a state machine. Inputs are API calls, process exits, timers and requests from
// the host; outputs go through the ports. No sockets, no processes, no Beast here.
//
// The implementation is split by concern: environment.cpp (names, messages, exits and timers),
// environment_init.cpp (Init, cold or suppressed), environment_invocation.cpp (an invocation from
// the caller's request to its REPORT), environment_runtime_api.cpp (the Runtime API),
// environment_extensions.cpp (the Extensions API), environment_shutdown.cpp (the Shutdown phase).
// The states themselves are in environment_state.hpp.
#include "api_errors.hpp"
#include "debug_mode.hpp"
#include "environment_state.hpp"
#include "extension.hpp"
#include "function_config.hpp"
#include "invocation.hpp"
#include "invocation_table.hpp"
#include "ports.hpp"
#include "runtime_calls.hpp"
#include "shutdown.hpp"

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lambda_emu::core {

// The runtime's state; the names in InvalidStateTransition messages are RAPID's.
enum class RuntimeState { NotStarted, Started, Ready, Running, ResponseSent, InitError, Exited };
const char* rapid_state_name(RuntimeState state);

// Managed Instances: how many /next polls may wait at once. AWS's Node.js client keeps one open per
// worker thread (8 per CPU), more than the maximum concurrency, so polls are not capped by it;
// invocations are. RAPID's own bound.
inline constexpr std::size_t kMostParkedPolls = 10000;
// Managed Instances: request ids of the invocations that timed out lately, whose late answers get
// 410 rather than 400 (a runtime's code runs on past a timeout there).
inline constexpr std::size_t kRememberedTimeouts = 256;

class Environment {
public:
    Environment(FunctionConfig config, ShutdownOverrides overrides, DebugMode debug, Ports ports);
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;

    // --- driven by the host ---
    void start_init();
    std::optional<InvokeRefusal> invoke(InvokeRequest request, ResponseHandler respond);
    // Spin down for good (reason spindown unless told otherwise). An invocation in flight is
    // answered as interrupted.
    void shutdown(ShutdownReason reason = ShutdownReason::Spindown);
    // A second interrupt: SIGKILL whatever is left, now.
    void kill_now();
    void on_timer(TimerSlot slot);
    void on_runtime_exited(ExitStatus status);
    void on_extension_exited(const std::string& name, ExitStatus status);

    // --- Runtime API 2018-06-01 ---
    // On demand one poll is parked at a time; under Managed Instances up to the maximum
    // concurrency, each taking its own invocation.
    RuntimeCallResult runtime_next(NextHandler on_invocation);
    RuntimeCallResult runtime_response(std::string_view request_id, RuntimeResponse response);
    // The runtime began a streamed /response: where its bytes should go as they arrive, when
    // the caller takes streams (empty otherwise: the body is read whole, as for buffered callers).
    ChunkSink runtime_stream_started(std::string_view request_id, const std::string& content_type);
    // The body exceeded kMaxResponseBytes: the caller gets Function.ResponseSizeTooLarge and
    // the runtime 413 (returned as PayloadTooLarge) when the request id is right.
    RuntimeCallResult runtime_response_too_large(std::string_view request_id);
    // `Lambda-Runtime-Function-Response-Mode` had a value other than `streaming`.
    RuntimeCallResult runtime_invalid_response_mode(std::string_view request_id);
    // The runtime's connection dropped in the middle of a streamed body: the caller gets
    // Runtime.TruncatedResponse (the runtime, gone, would get 400 TruncatedHTTPRequest).
    RuntimeCallResult runtime_response_truncated(std::string_view request_id);
    RuntimeCallResult runtime_error(std::string_view request_id, RuntimeError error);
    // The InvalidRequestID refusal when `request_id` is not an invocation in flight, so that a
    // post for any other id is refused from its head, before its body is read.
    RuntimeCallResult refuse_unknown_request_id(std::string_view request_id) const;
    RuntimeCallResult runtime_init_error(RuntimeError error);

    // --- Extensions API 2020-01-01 ---
    std::variant<Registration, ExtensionCallError> extension_register(const std::string& name,
                                                                      const std::vector<std::string>& events);
    ExtensionCallResult extension_next(std::string_view extension_id, ExtensionEventHandler on_event);
    ExtensionCallResult extension_init_error(std::string_view extension_id, const std::string& error_type);
    ExtensionCallResult extension_exit_error(std::string_view extension_id, const std::string& error_type);

    Phase phase() const;
    // Telemetry and Logs API subscriptions are accepted during Init only (docs/lambda-rules.md §3.1).
    bool accepting_subscriptions() const { return current_init() != nullptr; }
    RuntimeState runtime_state() const { return runtime_; }
    FreezeState freeze_state() const { return freeze_; }
    const FunctionConfig& config() const { return config_; }
    // Invocations held, waiting or in flight, and how many the environment takes at once.
    std::size_t invocations_held() const { return invocations_.size(); }
    bool takes_another_invocation() const { return !invocations_.full() && !spinning_down_for_good(); }
    const std::vector<Extension>& extensions() const { return extensions_; }
    // The registered extension with this identifier, if any.
    const Extension* extension_by_id(std::string_view extension_id) const;

private:
    struct ClosedInvocation {
        ActiveInvocation invocation;
        InvocationReport report;
    };

    SteadyTime now() const { return ports_.clock.now(); }
    // Managed Instances: several invocations at once, each answered and ended on its own.
    bool many_at_once() const { return config_.execution_model == ExecutionModel::ManagedInstances; }
    template <class State> bool is() const { return std::holds_alternative<State>(state_); }
    // The Init under way (cold, or suppressed inside an invocation), if any.
    InitInProgress* current_init();
    const InitInProgress* current_init() const;
    ShutdownInProgress* shutdown_in_progress();
    // shutdown() was asked for: no invocation is accepted any more.
    bool spinning_down_for_good() const;

    // Init
    void begin_init(InitPhase phase);
    void start_runtime_once_extensions_registered();
    void finish_init_if_everyone_is_ready();
    void finish_init_success();
    void fail_init(InitStatus status, const std::string& error_type, Payload caller_payload, std::string content_type);
    std::string current_request_id() const;

    // Invoke
    void start_invocation(ActiveInvocation& active);
    void start_held_invocations();
    // Hands it to a parked /next (on demand: to the runtime, which holds the one poll).
    void offer_to_runtime(ActiveInvocation& active);
    void deliver_invocation(ActiveInvocation& active, NextHandler poll);
    void end_invocation_if_everyone_is_done();
    // Managed Instances: the runtime's answer ends the invocation (no /next marks it done).
    void end_answered_invocation(std::string_view request_id);
    RuntimeCallResult check_current_invocation(std::string_view request_id, const char* target) const;
    void record_runtime_answer(ActiveInvocation& active, InvokeStatus status, std::string error_type,
                               const Payload& payload);
    RuntimeCallResult refuse_response(std::string_view request_id, const std::string& caller_error_type,
                                      const std::string& caller_message, RuntimeCallError refusal);
    std::optional<RefusedAnswer> refused_by_caller(const ActiveInvocation& active, const Payload& body) const;
    void answer(ActiveInvocation& invocation, InvokeOutcome outcome, Payload payload, std::string content_type,
                std::string error_type);
    ClosedInvocation close_interrupted_invocation(std::string request_id);
    std::vector<ClosedInvocation> close_every_invocation_interrupted();
    ClosedInvocation close_invocation(const std::string& request_id, InvokeStatus status, std::string error_type);
    void rearm_invoke_deadline();
    void announce_end(ClosedInvocation& closed);
    void end_invocation_normally(std::string request_id);
    void announce_runtime_done(const ActiveInvocation& invocation, InvokeStatus status, const std::string& error_type);
    void invoke_deadline_passed();
    void invocation_timed_out(std::string request_id);
    // Managed Instances: the caller gets its timeout, the others run on, the environment stays.
    void invocation_timed_out_alone(std::string request_id);
    void runtime_died_mid_invocation(ExitStatus status);
    void interrupt_invocation(ClosedInvocation closed);

    // Extensions
    Extension* find_extension_by_id(std::string_view extension_id);
    Extension* find_external(const std::string& name);
    void deliver_to_extension(Extension& extension, ExtensionEvent event);
    void extension_failed(const std::string& error_type, const std::string& detail);
    ExtensionCallResult enter_error_state(std::string_view extension_id, ExtensionState error_state, const char* target,
                                          const std::string& error_type);

    // Freeze: once Idle with nothing held, and before the next event or the Shutdown phase
    // (never while debugging)
    void freeze_if_idle();
    void thaw();

    // Shutdown
    void begin_shutdown(ShutdownReason reason, bool final);
    void tell_extensions_to_shut_down();
    ProcessCleanup* shutdown_entry(const ProcessIdentity& who);
    void record_runtime_exit_in_shutdown(ExitStatus status);
    void record_extension_exit_in_shutdown(const Extension& extension);
    void complete_shutdown_if_everyone_exited();
    void complete_shutdown();
    // A process still running at its deadline: a last look at it, then SIGKILL to its group
    // (unless the host's arranged kill was sent at the deadline already: then its time).
    void kill_at_deadline(ProcessCleanup& process);
    // The host's arranged kill, if it was sent, as the process's SIGKILL (an exit may be reported first).
    void take_arranged_kill(ProcessCleanup& process);
    // Evidence (environment_evidence.cpp): looks at the processes as the phase begins, every
    // kEvidenceSamplePeriod while they run, and just before each SIGKILL.
    ProcessEvidence first_look(const ProcessIdentity& who);
    void look_again();
    void look_before_kill(ProcessCleanup& process);
    // Which long poll the process still had parked when it was killed.
    void note_parked_call(ProcessCleanup& process);
    void collect_last_outputs(ShutdownReport& report);

    FunctionConfig config_;
    ShutdownOverrides overrides_;
    DebugMode debug_;
    Ports ports_;

    EnvironmentState state_;
    FreezeState freeze_ = FreezeState::Thawed;
    RuntimeState runtime_ = RuntimeState::NotStarted;
    int runtime_pid_ = 0;
    std::optional<ExitStatus> runtime_exit_;
    ParkedPolls parked_next_;

    std::vector<Extension> extensions_;
    // Held behind a cold Init or a reset, waiting for a poll, or in flight (each one's stage says which).
    InvocationTable invocations_;
    std::deque<std::string> timed_out_; // Managed Instances: the last kRememberedTimeouts ids that timed out
};

// RAPID's refusal of a Runtime API call the runtime's state does not allow.
std::string runtime_state_transition_message(RuntimeState from, const char* to);
// Caller-facing message texts (docs/lambda-rules.md §4.1, 4.3).
std::string runtime_exit_message(const std::string& request_id, const ExitStatus& status);
std::string timeout_message(const std::string& request_id, Millis timeout);

} // namespace lambda_emu::core
