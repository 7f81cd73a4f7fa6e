// The Runtime API side of an environment (docs/lambda-rules.md §1): /next, /response (buffered, streamed,
// or refused), /error and /init/error, each a transition of the runtime's state as RAPID has it.
#include "environment.hpp"

#include <algorithm>
#include <utility>

namespace lambda_emu::core {

RuntimeCallResult Environment::runtime_next(NextHandler on_invocation)
{
    // While shutting down the poll is parked and never answered, as on AWS: a runtime must
    // learn of the shutdown from SIGTERM, not from a failed /next.
    if (is<environment_state::Shutdown>() || is<environment_state::Done>()) {
        parked_next_.park(std::move(on_invocation));
        return std::nullopt;
    }
    switch (runtime_) {
    case RuntimeState::Started:
        runtime_ = RuntimeState::Ready;
        parked_next_.park(std::move(on_invocation));
        if (auto* init = current_init()) init->registration_closed = true;
        finish_init_if_everyone_is_ready();
        return std::nullopt;
    case RuntimeState::Ready:
        // Managed Instances: each poll takes the oldest invocation waiting for one, if any.
        if (auto* waiting = many_at_once() && !current_init() ? invocations_.first_waiting_for_runtime() : nullptr) {
            deliver_invocation(*waiting, std::move(on_invocation));
            return std::nullopt;
        }
        parked_next_.park(std::move(on_invocation)); // on demand, a second poll replaces the first
        return std::nullopt;
    case RuntimeState::Running: // RAPID re-renders the unanswered invocation (docs/lambda-rules.md §1.8)
        on_invocation(invocations_.first()->invocation);
        return std::nullopt;
    case RuntimeState::ResponseSent: {
        runtime_ = RuntimeState::Ready;
        parked_next_.park(std::move(on_invocation));
        auto& active = *invocations_.first();
        auto answered = std::get<invocation_stage::Answered>(std::move(active.stage));
        active.stage = invocation_stage::RuntimeDone{answered.delivered, answered.answer};
        announce_runtime_done(active, answered.answer.status, answered.answer.error_type);
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
    const auto* active = invocations_.find(request_id);
    if (!active && many_at_once() && std::find(timed_out_.begin(), timed_out_.end(), request_id) != timed_out_.end()) {
        return RuntimeCallError{RuntimeCallErrorKind::InvokeTimedOut, "Invoke timed out"};
    }
    if (!is<environment_state::Invoke>() || !active || !active->delivered()) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidRequestId, "Invalid request ID"};
    }
    // Under Managed Instances the runtime's state is each invocation's: one answer each.
    const RuntimeState state =
        !many_at_once() ? runtime_ : (active->runtime_answer() ? RuntimeState::ResponseSent : RuntimeState::Running);
    if (state != RuntimeState::Running) {
        return RuntimeCallError{RuntimeCallErrorKind::InvalidStateTransition,
                                runtime_state_transition_message(state, target)};
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
void Environment::record_runtime_answer(ActiveInvocation& active, InvokeStatus status, std::string error_type,
                                        const Payload& payload)
{
    if (!many_at_once()) runtime_ = RuntimeState::ResponseSent;
    const auto delivered = *active.delivered();
    const std::size_t produced_bytes = payload ? payload->size() : 0;
    active.stage = invocation_stage::Answered{delivered, {now(), produced_bytes, status, std::move(error_type)}};
}

RuntimeCallResult Environment::runtime_response(std::string_view request_id, RuntimeResponse response)
{
    if (auto refused = check_current_invocation(request_id, "InvocationResponse")) return refused;
    auto& active = *invocations_.find(request_id);
    if (response.stream_error) {
        auto& error = *response.stream_error;
        record_runtime_answer(active, InvokeStatus::Error, normalized_error_type(error.error_type), error.body);
        answer(active, InvokeOutcome::FunctionError, std::move(error.body), std::move(error.content_type),
               error.error_type);
    } else if (auto refusal = refused_by_caller(active, response.body)) {
        // The runtime did its part and gets its 202; what the caller cannot send (a function
        // URL's 1xx, say) is its function error, in the report too: the client gets none of it.
        record_runtime_answer(active, InvokeStatus::Error, refusal->error_type, response.body);
        answer(active, InvokeOutcome::FunctionError, make_payload(error_json(refusal->error_type, refusal->message)),
               "application/json", refusal->error_type);
    } else {
        record_runtime_answer(active, InvokeStatus::Success, {}, response.body);
        answer(active, InvokeOutcome::Success, std::move(response.body), std::move(response.content_type), {});
    }
    end_answered_invocation(request_id);
    return std::nullopt;
}

std::optional<RefusedAnswer> Environment::refused_by_caller(const ActiveInvocation& active, const Payload& body) const
{
    // A streamed answer is the caller's already, as it came.
    if (!active.invocation.request.check_answer || active.caller != CallerState::Waiting) return std::nullopt;
    return active.invocation.request.check_answer(body);
}

ChunkSink Environment::runtime_stream_started(std::string_view request_id, const std::string& content_type)
{
    if (check_current_invocation(request_id, "InvocationResponse")) return {};
    auto& active = *invocations_.find(request_id);
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
    auto& active = *invocations_.find(request_id);
    auto payload = make_payload(error_json(caller_error_type, caller_message));
    record_runtime_answer(active, InvokeStatus::Error, caller_error_type, payload);
    answer(active, InvokeOutcome::FunctionError, std::move(payload), "application/json", caller_error_type);
    end_answered_invocation(request_id);
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
    auto& active = *invocations_.find(request_id);
    record_runtime_answer(active, InvokeStatus::Error, normalized_error_type(error.error_type), error.body);
    // The caller gets the body exactly as posted; only the bookkeeping type is normalised.
    answer(active, InvokeOutcome::FunctionError, std::move(error.body), std::move(error.content_type),
           error.error_type);
    end_answered_invocation(request_id);
    return std::nullopt;
}

} // namespace lambda_emu::core
