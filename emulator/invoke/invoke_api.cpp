#include "invoke_api.hpp"

#include "aws_errors.hpp"
#include "caller_wiring.hpp"
#include "http/base64.hpp"

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace lambda_emu::invoke {

namespace {

// A streamed answer's outcome comes after its body, in trailers (declared in the head).
constexpr const char* kStreamTrailers = "X-Amz-Function-Error, X-Amz-Function-Error-Type, X-Amz-Function-Error-Body";

http::Response render_result(const core::InvokeResult& result, const std::string& log, bool with_log)
{
    auto response = http::make_response(http::Status::ok, result.payload, result.content_type);
    response.set("X-Amz-Executed-Version", "$LATEST");
    // "The status code in the API response doesn't reflect function errors" (the Invoke API
    // reference; docs/lambda-rules.md §6.2).
    if (result.is_function_error()) response.set("X-Amz-Function-Error", "Unhandled");
    if (with_log) response.set("X-Amz-Log-Result", log_result(log));
    return response;
}

void finish_stream(http::ResponseStream& stream, const core::InvokeResult& result)
{
    std::vector<std::pair<std::string, std::string>> trailers;
    if (result.is_function_error()) {
        trailers.emplace_back("X-Amz-Function-Error", "Unhandled");
        trailers.emplace_back("X-Amz-Function-Error-Type", result.error_type);
        trailers.emplace_back("X-Amz-Function-Error-Body",
                              http::base64_encode(result.payload ? *result.payload : std::string{}));
    }
    stream.finish(trailers);
}

// The caller of a synchronous invocation, waiting on its connection for one answer: the whole
// result at the end, or, once the runtime streams, the head at once and the body as it comes.
class Caller {
public:
    explicit Caller(http::Responder responder) : responder_{std::move(responder)} {}

    void start_stream(const std::string& content_type)
    {
        auto head = http::make_response(http::Status::ok, std::string{}, content_type.c_str());
        head.set("X-Amz-Executed-Version", "$LATEST");
        head.set(boost::beast::http::field::trailer, kStreamTrailers);
        stream_ = responder_.stream(std::move(head));
    }
    // Without a stream (the caller was answered already) every chunk is taken and dropped.
    bool write(std::string_view chunk) { return !stream_ || stream_->write(chunk); }
    void when_ready(std::function<void()> resume)
    {
        if (stream_) stream_->when_ready(std::move(resume));
        else resume();
    }
    void finish(const core::InvokeResult& result, const std::string& log, bool with_log)
    {
        if (result.streamed && stream_) finish_stream(*stream_, result);
        else responder_.send(render_result(result, log, with_log));
    }
    void drop() { responder_.send(shutting_down()); }

private:
    http::Responder responder_;
    std::shared_ptr<http::ResponseStream> stream_; // set once the runtime streams
};

// A synchronous order answers its caller when done, or when it is dropped at shutdown. A runtime
// that streams is passed on as it streams, unless the caller wants the log tail, which exists
// only at the end.
void attach_caller(Order& order, http::Responder responder)
{
    auto caller = std::make_shared<Caller>(std::move(responder));
    if (!order.wants_log_tail) {
        order.request.accept_stream = [caller](const std::string& content_type) {
            caller->start_stream(content_type);
            return chunk_sink_of(caller);
        };
    }
    tell_on_end(order, caller);
}

} // namespace

std::string log_result(std::string_view log)
{
    constexpr std::size_t kLogTailBytes = 4096;
    return http::base64_encode(log.substr(log.size() > kLogTailBytes ? log.size() - kLogTailBytes : 0));
}

http::Response shutting_down()
{
    return aws_error(http::Status::service_unavailable, "ServiceException",
                     "lambda-emu is shutting down and accepts no more invocations");
}

std::optional<http::Response> answer_admission(Admission admission, bool asynchronous)
{
    switch (admission) {
    case Admission::Accepted:
    case Admission::Queued:
        if (asynchronous) return http::make_response(http::Status::accepted, std::string{}, "");
        return std::nullopt;
    case Admission::Busy:
        return aws_error(http::Status::too_many_requests, "TooManyRequestsException", "Rate Exceeded.");
    case Admission::ShuttingDown: return shutting_down();
    case Admission::Unavailable:
        return aws_error(http::Status::internal_server_error, "ServiceException",
                         "lambda-emu could not start an execution environment (see its log)");
    }
    return std::nullopt;
}

void add_invoke_routes(http::Router& router, const FunctionDirectory& functions,
                       std::function<std::string()> new_trace_id)
{
    router.add(
        http::Verb::post, "/2015-03-31/functions/{name}/invocations",
        [&functions, new_trace_id](http::Request& request, const http::PathParams& params, http::Responder responder) {
            auto checked = validate_invoke_request(request, params[0], functions, new_trace_id);
            if (auto* answer_now = std::get_if<http::Response>(&checked)) {
                responder.send(std::move(*answer_now));
                return;
            }
            auto& [target, order] = std::get<AddressedOrder>(checked);
            const bool asynchronous = is_asynchronous(order);
            if (!asynchronous) attach_caller(order, responder);
            if (auto answer = answer_admission(target->submit(std::move(order)), asynchronous)) {
                responder.send(std::move(*answer));
            }
        },
        kMaxSyncPayload, http::RouteHooks{.answers_oversized_body = true});
}

} // namespace lambda_emu::invoke
