#pragma once
// An invocation as it travels through the environment: what the caller asked, what the runtime
// sees on /next, what the caller gets back, and what the platform reports when it ends.
#include "clock.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu::core {

// Payloads are shared, never copied: the same bytes go from the caller to the runtime's /next
// response, and from the runtime's /response to the caller.
using Payload = std::shared_ptr<const std::string>;

inline Payload make_payload(std::string bytes)
{
    return std::make_shared<const std::string>(std::move(bytes));
}

// Where a streamed response's bytes go as they arrive, with back-pressure: `write` takes a chunk
// and says whether the consumer wants more now; after a `false` the producer stops reading and
// hands `when_ready` the callback that resumes it, run once the consumer has room again (at
// once if it already has, or if it is gone and drops what it is given).
struct ChunkSink {
    std::function<bool(std::string_view chunk)> write;
    std::function<void(std::function<void()> resume)> when_ready;
    explicit operator bool() const { return static_cast<bool>(write); }
};
// A caller that takes streamed answers: given the content type, returns where the bytes go.
using StreamAcceptor = std::function<ChunkSink(const std::string& content_type)>;

// An answer the caller cannot pass on: the function error it becomes, for the caller and the report.
struct RefusedAnswer {
    std::string error_type;
    std::string message;
};
// A caller that cannot pass on every buffered answer (a function URL cannot send an interim 1xx
// status): given the answer, why it refuses it, or nothing when it takes it.
using AnswerCheck = std::function<std::optional<RefusedAnswer>(const Payload& answer)>;

struct InvokeRequest {
    Payload payload;
    std::string content_type = "application/json";
    std::string invoked_function_arn; // empty: the function's unqualified ARN
    std::string client_context;       // decoded JSON text, as the runtime receives it
    std::string cognito_identity;     // JSON text
    std::string trace_id;             // X-Ray header value
    std::string tenant_id;            // a tenant-isolated function's tenant (Lambda-Runtime-Aws-Tenant-Id)
    StreamAcceptor accept_stream;     // empty: the caller wants the whole answer at once
    AnswerCheck check_answer;         // empty: the caller takes every answer
    // Empty: the invocation gets a new one. Lambda keeps an asynchronous event's request id across
    // its retries (host/event_retries.hpp).
    std::string request_id;
};

// What `GET /runtime/invocation/next` renders.
struct Invocation {
    std::string request_id;
    std::int64_t deadline_epoch_ms = 0;
    std::string invoked_function_arn;
    InvokeRequest request;
};

enum class InvokeOutcome {
    Success,          // the runtime posted /response
    FunctionError,    // /error, a streamed error trailer, an oversized response
    Timeout,          // Sandbox.Timedout
    RuntimeExit,      // Runtime.ExitError: the runtime died mid-invocation
    InitFailure,      // the (suppressed) init inside this invocation failed
    ExtensionFailure, // Extension.Crash or Extension.ExitError during the invocation
    Interrupted,      // the emulator was shut down while the invocation ran
};

// What the caller receives. Every outcome other than Success carries
// `X-Amz-Function-Error: Unhandled` on AWS's Invoke API.
struct InvokeResult {
    std::string request_id;
    InvokeOutcome outcome = InvokeOutcome::Success;
    Payload payload;
    std::string content_type = "application/json";
    std::string error_type; // empty on success
    bool streamed = false;  // the payload went to the caller's stream already; this is its end

    bool is_function_error() const { return outcome != InvokeOutcome::Success; }
};

using ResponseHandler = std::function<void(InvokeResult)>;
// Answers a parked `/runtime/invocation/next`.
using NextHandler = std::function<void(const Invocation&)>;

// Status words of Lambda's telemetry records and REPORT lines.
enum class InvokeStatus { Success, Error, Timeout, Failure };
const char* to_string(InvokeStatus status);

// The platform's account of one invocation, printed as END/REPORT when it ends.
struct InvocationReport {
    std::string request_id;
    std::string version;
    InvokeStatus status = InvokeStatus::Success;
    std::string error_type;
    SteadyTime started_at{};
    SteadyTime ended_at{};
    double duration_ms = 0;
    std::int64_t billed_duration_ms = 0;
    int memory_size_mb = 0;
    int max_memory_used_mb = 0;
    std::optional<double> init_duration_ms; // only for the first invocation after a cold start
};

// The runtime is done with an invocation (platform.runtimeDone): it answered and asked for the
// next, or it timed out or failed.
struct RuntimeDoneReport {
    std::string request_id;
    InvokeStatus status = InvokeStatus::Success;
    std::string error_type;
    double duration_ms = 0; // from the invocation's start
    std::size_t produced_bytes = 0;
    SteadyTime delivered_at{};      // the runtime got the event
    double response_latency_ms = 0; // delivered until its response arrived
};

enum class InitPhase { Init, Invoke }; // "invoke": a suppressed init inside an invocation
const char* to_string(InitPhase phase);

enum class InitStatus { Success, Error, Timeout };
const char* to_string(InitStatus status);

struct InitReport {
    InitPhase phase = InitPhase::Init;
    InitStatus status = InitStatus::Success;
    std::string error_type;
    double duration_ms = 0;
    SteadyTime started_at{}; // for the report's time axis
    // The error body's errorMessage (posted to /init/error, or the emulator's own for an exit),
    // at most kMaxInitErrorMessage bytes; empty on success, on a timeout, or when the body had none.
    std::string error_message{};
};
inline constexpr std::size_t kMaxInitErrorMessage = 1024;

} // namespace lambda_emu::core
