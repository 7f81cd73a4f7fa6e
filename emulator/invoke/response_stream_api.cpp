#include "response_stream_api.hpp"

#include "caller_wiring.hpp"
#include "core/json_text.hpp"
#include "http/event_stream.hpp"
#include "invoke_api.hpp"
#include "invoke_request.hpp"
#include "limits.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <utility>

namespace lambda_emu::invoke {

namespace {

constexpr const char* kEventStreamType = "application/vnd.amazon.eventstream";

// What the SDKs show as ErrorDetails: the error's message when the function's error is Lambda's
// JSON error object (`Task timed out after 3.00 seconds` for a timeout), else its body as sent.
std::string error_details(const core::InvokeResult& result)
{
    const std::string& body = result.payload ? *result.payload : std::string{};
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_object()) {
        const auto message = parsed.find("errorMessage");
        if (message != parsed.end() && message->is_string()) return message->get<std::string>();
    }
    return body;
}

// The caller of one InvokeWithResponseStream: its head goes out when the runtime starts
// streaming or the invocation ends, whichever comes first; after it, only events.
class EventStreamCaller {
public:
    explicit EventStreamCaller(http::Responder responder) : responder_{std::move(responder)} {}

    void start()
    {
        if (started_) return;
        started_ = true;
        auto head = http::make_response(http::Status::ok, std::string{}, kEventStreamType);
        head.set("X-Amz-Executed-Version", "$LATEST");
        stream_ = responder_.stream(std::move(head));
    }
    bool write(std::string_view chunk)
    {
        if (!stream_ || chunk.empty()) return true;
        return stream_->write(payload_chunk_event(chunk));
    }
    void when_ready(std::function<void()> resume)
    {
        if (stream_) stream_->when_ready(std::move(resume));
        else resume();
    }
    void finish(const core::InvokeResult& result, const std::string& log, bool with_log)
    {
        start();
        // A buffered answer is one chunk, as Lambda streams a function that does not stream.
        if (!result.streamed && !result.is_function_error() && result.payload) write(*result.payload);
        if (stream_) {
            stream_->write(invoke_complete_event(result, with_log ? &log : nullptr));
            stream_->finish({});
        }
        stream_.reset();
    }
    void drop()
    {
        if (!started_) {
            responder_.send(shutting_down());
        }
    }

private:
    http::Responder responder_;
    std::shared_ptr<http::ResponseStream> stream_;
    bool started_ = false;
};

void attach_event_stream_caller(Order& order, http::Responder responder)
{
    auto caller = std::make_shared<EventStreamCaller>(std::move(responder));
    order.request.accept_stream = [caller](const std::string&) {
        caller->start();
        return chunk_sink_of(caller);
    };
    tell_on_end(order, caller);
}

} // namespace

std::string payload_chunk_event(std::string_view bytes)
{
    return http::encode_event_stream_message(
        {{":event-type", "PayloadChunk"}, {":content-type", "application/octet-stream"}, {":message-type", "event"}},
        bytes);
}

std::string invoke_complete_event(const core::InvokeResult& result, const std::string* log)
{
    nlohmann::ordered_json complete = nlohmann::ordered_json::object();
    if (result.is_function_error()) {
        complete["ErrorCode"] = result.error_type;
        complete["ErrorDetails"] = error_details(result);
    }
    if (log) complete["LogResult"] = log_result(*log);
    return http::encode_event_stream_message(
        {{":event-type", "InvokeComplete"}, {":content-type", "application/json"}, {":message-type", "event"}},
        core::json_text(complete));
}

void add_response_stream_routes(http::Router& router, const FunctionDirectory& functions,
                                std::function<std::string()> new_trace_id)
{
    router.add(
        http::Verb::post, "/2021-11-15/functions/{name}/response-streaming-invocations",
        [&functions, new_trace_id](http::Request& request, const http::PathParams& params, http::Responder responder) {
            auto checked = validate_invoke_request(request, params[0], functions, new_trace_id,
                                                   InvokeOperation::InvokeWithResponseStream);
            if (auto* answer_now = std::get_if<http::Response>(&checked)) {
                responder.send(std::move(*answer_now));
                return;
            }
            auto& [target, order] = std::get<AddressedOrder>(checked);
            order.source = "ResponseStream";
            attach_event_stream_caller(order, responder);
            if (auto answer = answer_admission(target->submit(std::move(order)), false)) {
                responder.send(std::move(*answer));
            }
        },
        kMaxSyncPayload, http::RouteHooks{.answers_oversized_body = true});
}

} // namespace lambda_emu::invoke
