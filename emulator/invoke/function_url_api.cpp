#include "function_url_api.hpp"

#include "aws_errors.hpp"
#include "function_url_answer.hpp"
#include "function_url_event.hpp"
#include "invoke_api.hpp"
#include "invoke_request.hpp"
#include "limits.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace lambda_emu::invoke {

namespace {

// A prelude is a small JSON object; one that never ends is not a function URL's answer.
constexpr std::size_t kMaxPreludeBytes = 1024 * 1024;

// The line that says a body went nowhere: the function meant the client to get it.
std::string dropped_body_warning(http::Status status, const std::string& how_much)
{
    const auto code = std::to_string(static_cast<unsigned>(status));
    return "warning: function URL answer " + code + ": its body (" + how_much + ") is dropped: a " + code +
           " response has none";
}

// The HTTP client of one function URL request. Its answer is the function's buffered answer,
// mapped when the runtime posts it (so one the client cannot get is a function error), or, when
// the runtime streams, a head and the body as it comes.
class FunctionUrlCaller {
public:
    FunctionUrlCaller(http::Responder responder, FunctionUrlWarnings warn)
        : responder_{std::move(responder)}, warn_{std::move(warn)}
    {
    }

    std::optional<core::RefusedAnswer> check(const core::Payload& answer)
    {
        auto mapped = map_function_url_answer(answer);
        if (auto* refused = std::get_if<core::RefusedAnswer>(&mapped)) return std::move(*refused);
        auto& sendable = std::get<MappedAnswer>(mapped);
        if (sendable.dropped_body_bytes > 0) {
            warn(dropped_body_warning(sendable.response.result(),
                                      std::to_string(sendable.dropped_body_bytes) + " bytes"));
        }
        mapped_ = std::move(sendable.response);
        return std::nullopt;
    }

    void start_stream(const std::string& content_type)
    {
        if (stage_ != Stage::Waiting) return;
        if (content_type == kHttpIntegrationContentType) {
            stage_ = Stage::ReadingPrelude;
            return;
        }
        // A stream without the HTTP integration's prelude is the body itself.
        stream_ = responder_.stream(http::make_response(http::Status::ok, std::string{}, content_type.c_str()));
        stage_ = Stage::Streaming;
    }
    bool write(std::string_view chunk)
    {
        switch (stage_) {
        case Stage::ReadingPrelude: return read_prelude(chunk);
        case Stage::Streaming: return !stream_ || stream_->write(chunk);
        case Stage::Answered:
            if (bodiless_ && !chunk.empty()) {
                warn(dropped_body_warning(*bodiless_, "streamed"));
                bodiless_.reset();
            }
            return true; // the client has its answer: the rest is dropped
        case Stage::Waiting: return true;
        }
        return true;
    }
    void when_ready(std::function<void()> resume)
    {
        if (stage_ == Stage::Streaming && stream_) stream_->when_ready(std::move(resume));
        else resume();
    }
    void finish(const core::InvokeResult& result)
    {
        switch (stage_) {
        case Stage::Waiting:
            answer(mapped_ && !result.is_function_error() ? std::move(*mapped_) : function_url_response(result));
            return;
        case Stage::ReadingPrelude: answer(bad_gateway()); return; // the stream ended before its body began
        case Stage::Streaming:
            // Once the head is out a failure cannot change the status; the body ends where it stopped.
            if (stream_) stream_->finish({});
            stream_.reset();
            stage_ = Stage::Answered;
            return;
        case Stage::Answered: return;
        }
    }
    void drop()
    {
        if (stage_ == Stage::Waiting || stage_ == Stage::ReadingPrelude) {
            answer(shutting_down());
        }
    }

private:
    enum class Stage { Waiting, ReadingPrelude, Streaming, Answered };

    void answer(http::Response response)
    {
        stage_ = Stage::Answered;
        prelude_.clear();
        responder_.send(std::move(response));
    }
    bool read_prelude(std::string_view chunk)
    {
        prelude_.append(chunk);
        const auto end = prelude_.find(std::string(kPreludeSeparatorBytes, '\0'));
        if (end == std::string::npos) {
            if (prelude_.size() > kMaxPreludeBytes) answer(bad_gateway());
            return true;
        }
        auto head = head_from_prelude(std::string_view{prelude_}.substr(0, end));
        if (!head) {
            answer(bad_gateway());
            return true;
        }
        const std::string body = prelude_.substr(end + kPreludeSeparatorBytes);
        prelude_.clear();
        if (is_bodiless(head->result())) { // sent whole now: a chunked 204 or 304 is no HTTP
            bodiless_ = head->result();
            answer(std::move(*head));
            return write(body);
        }
        stream_ = responder_.stream(std::move(*head));
        stage_ = Stage::Streaming;
        return write(body);
    }

    void warn(const std::string& line)
    {
        if (warn_) warn_(line);
    }

    http::Responder responder_;
    FunctionUrlWarnings warn_;
    Stage stage_ = Stage::Waiting;
    std::string prelude_;
    std::shared_ptr<http::ResponseStream> stream_;
    std::optional<http::Response> mapped_; // the buffered answer, checked and mapped
    std::optional<http::Status> bodiless_; // a streamed 204 or 304 went out: its body goes nowhere
};

void attach_function_url_caller(Order& order, http::Responder responder, const FunctionUrlWarnings& warn)
{
    auto caller = std::make_shared<FunctionUrlCaller>(std::move(responder), warn);
    order.request.check_answer = [caller](const core::Payload& answer) { return caller->check(answer); };
    order.request.accept_stream = [caller](const std::string& content_type) {
        caller->start_stream(content_type);
        return core::ChunkSink{[caller](std::string_view chunk) { return caller->write(chunk); },
                               [caller](std::function<void()> resume) { caller->when_ready(std::move(resume)); }};
    };
    order.on_done = [caller](const core::InvokeResult& result, const std::string&) { caller->finish(result); };
    order.on_dropped = [caller] { caller->drop(); };
}

} // namespace

void add_function_url_routes(http::Router& router, const FunctionDirectory& functions, FunctionUrlSources sources,
                             FunctionUrlWarnings warn)
{
    router.add_prefix(
        kFunctionUrlPattern,
        [&functions, sources, warn](http::Request& request, const http::PathParams& params, http::Responder responder) {
            const auto addressed = address_function(functions, params[0], "");
            if (!addressed.found) {
                std::string message = "Function not found: ";
                message.append(addressed.missing_arn.empty() ? params[0] : addressed.missing_arn);
                responder.send(aws_error(http::Status::not_found, "ResourceNotFoundException", message));
                return;
            }
            auto& target = *addressed.found->target;
            const auto& function = target.function();
            FunctionUrlContext context;
            context.raw_path = params[1].empty() ? "/" : params[1];
            context.function_name = function.name;
            context.account_id = function.account_id;
            context.request_id = sources.new_request_id();
            context.trace_id = sources.new_trace_id();
            context.epoch_ms = sources.now_epoch_ms();
            Order order;
            order.request.payload = core::make_payload(function_url_event(request, context));
            order.request.invoked_function_arn = function.arn();
            order.request.trace_id = context.trace_id;
            order.source = "FunctionUrl";
            attach_function_url_caller(order, responder, warn);
            if (auto answer = answer_admission(target.submit(std::move(order)), false)) {
                responder.send(std::move(*answer));
            }
        },
        kMaxSyncPayload);
}

} // namespace lambda_emu::invoke
