// The Runtime API side of an environment (docs/lambda-rules.md §1): /next, /response (buffered, streamed,
// or refused), /error and /init/error, each a transition of the runtime's state as RAPID has it.
#include "environment.hpp"

#include <utility>

namespace lambda_emu::core {

RuntimeCallResult Environment::runtime_next(NextHandler on_invocation)
{
    // While shutting down the poll is parked and never answered, as on AWS: a runtime must
    // learn of the shutdown from SIGTERM, not from a failed /next.
    if (is<environment_state::Shutdown>() || is<environment_state::Done>()) {
        parked_next_ = std::move(on_invocation);
        return std::nullopt;
    }
    switch (runtime_) {
    case RuntimeState::Started:
        runtime_ = RuntimeState::Ready;
        parked_next_ = std::move(on_invocation);
        if (auto* init = current_init()) init->registration_closed = true;
        finish_init_if_everyone_is_ready();
        return std::nullopt;
    case RuntimeState::Ready: // a second poll replaces the first
        parked_next_ = std::move(on_invocation);
        return std::nullopt;
    case RuntimeState::Running: // RAPID re-renders the unanswered invocation (docs/lambda-rules.md §1.8)
        on_invocation(invocation_->invocation);
        return std::nullopt;
    case RuntimeState::ResponseSent: {
        runtime_ = RuntimeState::Ready;
        parked_next_ = std::move(on_invocation);
        auto answered = std::get<invocation_stage::Answered>(std::move(invocation_->stage));
        invocation_->stage = invocation_stage::RuntimeDone{answered.delivered, answered.answer};
        announce_runtime_done(*invocation_, answered.answer.status, answered.answer.error_type);
        end_invocation_if_everyone_is_done();
        return std::nullopt;
    }
    case RuntimeState::InitError:
    case RuntimeState::NotStarted:
    case RuntimeState::Exited: break;
    }
    return RuntimeCallError{RuntimeCallErrorKind::InvalidStateTransition,
                            runtime_state_transition_message(runtime_, "Ready")};
}

RuntimeCallResult Environment::check_current_invocation(std::string_view request_id, const char* target) const
{
    if (!is<environment_state::Invoke>() || !invocation_ || !invocation_->delivered() ||
        request_id != invocation_->invocation.request_id) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidRequestId, "Invalid request ID"};
    }
    if (runtime_ != RuntimeState::Running) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidStateTransition,
                                runtime_state_transition_message(runtime_, target)};
    }
    return std::nullopt;
}

RuntimeCallResult Environment::refuse_unknown_request_id(std::string_view request_id) const
{
    auto refused = check_current_invocation(request_id, "");
    if (refused && refused->kind == RuntimeCallErrorKind::InvalidRequestId) return refused;
    return std::nullopt;
}

// The runtime answered the invocation it holds (checked by check_current_invocation): what it
// answered is kept for runtimeDone and REPORT; the caller is answered separately.
void Environment::record_runtime_answer(InvokeStatus status, std::string error_type, const Payload& payload)
{
    runtime_ = RuntimeState::ResponseSent;
    auto& active = *invocation_;
    const auto delivered = *active.delivered();
    const std::size_t produced_bytes = payload ? payload->size() : 0;
    active.stage = invocation_stage::Answered{delivered, {now(), produced_bytes, status, std::move(error_type)}};
}

RuntimeCallResult Environment::runtime_response(std::string_view request_id, RuntimeResponse response)
{
    if (auto refused = check_current_invocation(request_id, "InvocationResponse")) return refused;
    if (response.stream_error) {
        auto& error = *response.stream_error;
        record_runtime_answer(InvokeStatus::Error, normalized_error_type(error.error_type), error.body);
        answer(*invocation_, InvokeOutcome::FunctionError, std::move(error.body), std::move(error.content_type),
               error.error_type);
    } else if (auto refusal = refused_by_caller(response.body)) {
        // The runtime did its part and gets its 202; what the caller cannot send (a function
        // URL's 1xx, say) is its function error, in the report too: the client gets none of it.
        record_runtime_answer(InvokeStatus::Error, refusal->error_type, response.body);
        answer(*invocation_, InvokeOutcome::FunctionError,
               make_payload(error_json(refusal->error_type, refusal->message)), "application/json",
               refusal->error_type);
    } else {
        record_runtime_answer(InvokeStatus::Success, {}, response.body);
        answer(*invocation_, InvokeOutcome::Success, std::move(response.body), std::move(response.content_type), {});
    }
    return std::nullopt;
}

std::optional<RefusedAnswer> Environment::refused_by_caller(const Payload& body) const
{
    const auto& active = *invocation_;
    // A streamed answer is the caller's already, as it came.
    if (!active.invocation.request.check_answer || active.caller != CallerState::Waiting) return std::nullopt;
    return active.invocation.request.check_answer(body);
}

ChunkSink Environment::runtime_stream_started(std::string_view request_id, const std::string& content_type)
{
    if (check_current_invocation(request_id, "InvocationResponse")) return {};
    auto& active = *invocation_;
    if (!active.invocation.request.accept_stream || active.caller == CallerState::Answered) return {};
    active.caller = CallerState::Streaming;
    return active.invocation.request.accept_stream(content_type);
}

// The runtime's /response cannot be taken: the caller gets a function error, the runtime the
// refusal, and the invocation ends at the runtime's next /next as usual.
RuntimeCallResult Environment::refuse_response(std::string_view request_id, const std::string& caller_error_type,
                                               const std::string& caller_message, RuntimeCallError refusal)
{
    if (auto refused = check_current_invocation(request_id, "InvocationResponse")) return refused;
    auto payload = make_payload(error_json(caller_error_type, caller_message));
    record_runtime_answer(InvokeStatus::Error, caller_error_type, payload);
    answer(*invocation_, InvokeOutcome::FunctionError, std::move(payload), "application/json", caller_error_type);
    return refusal;
}

RuntimeCallResult Environment::runtime_response_too_large(std::string_view request_id)
{
    return refuse_response(request_id, "Function.ResponseSizeTooLarge", response_too_large_caller_message(),
                           response_too_large_refusal());
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
    record_runtime_answer(InvokeStatus::Error, normalized_error_type(error.error_type), error.body);
    // The caller gets the body exactly as posted; only the bookkeeping type is normalised.
    answer(*invocation_, InvokeOutcome::FunctionError, std::move(error.body), std::move(error.content_type),
           error.error_type);
    return std::nullopt;
}

} // namespace lambda_emu::core
