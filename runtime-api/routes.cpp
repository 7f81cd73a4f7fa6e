#include "error_bodies.hpp"
#include "rendering.hpp"
#include "runtime_api.hpp"

namespace lambda_emu::runtime_api {

namespace {

constexpr std::string_view kResponseModeHeader = "Lambda-Runtime-Function-Response-Mode";
constexpr std::string_view kErrorTypeTrailer = "Lambda-Runtime-Function-Error-Type";
constexpr std::string_view kErrorBodyTrailer = "Lambda-Runtime-Function-Error-Body";
// Posts may carry a full response; one byte over gets 413 (from the head alone when its length is announced).
constexpr std::size_t kPostLimit = core::kMaxResponseBytes;

// Posts for an invocation that is not in flight are refused before their body is read.
http::HeadCheck refuse_unknown_id(core::Environment& environment)
{
    return [&environment](const http::Request&, const http::PathParams& params) -> std::optional<http::Response> {
        if (const auto refused = environment.refuse_unknown_request_id(params[0])) return render_refusal(*refused);
        return std::nullopt;
    };
}

void answer(http::Responder& responder, const core::RuntimeCallResult& result)
{
    responder.send(result ? render_refusal(*result) : render_accepted());
}

core::RuntimeCallError payload_too_large()
{
    return core::response_too_large_refusal();
}

void post_response(core::Environment& environment, http::Request& request, const std::string& request_id,
                   http::Responder responder)
{
    const auto mode = request[kResponseModeHeader];
    if (!mode.empty() && mode != "streaming") {
        answer(responder, environment.runtime_invalid_response_mode(request_id));
        return;
    }
    auto& body = request.body();
    if (body.overflowed()) {
        answer(responder, environment.runtime_response_too_large(request_id));
        return;
    }
    core::RuntimeResponse response;
    const auto content_type = request[boost::beast::http::field::content_type];
    response.content_type = content_type.empty() ? "application/json" : std::string{content_type};
    // Beast merges a chunked body's trailers into the fields once the body is read.
    if (const auto error_type = request[kErrorTypeTrailer]; mode == "streaming" && !error_type.empty()) {
        response.stream_error =
            stream_error_from_trailers(std::string{error_type}, std::string{request[kErrorBodyTrailer]});
    }
    response.body = core::make_payload(std::move(body.bytes));
    answer(responder, environment.runtime_response(request_id, std::move(response)));
}

} // namespace

void add_routes(http::Router& router, core::Environment& environment)
{
    router.add(http::Verb::get, "/2018-06-01/runtime/invocation/next",
               [&environment](http::Request&, const http::PathParams&, http::Responder responder) {
                   const auto refused =
                       environment.runtime_next([responder](const core::Invocation& invocation) mutable {
                           responder.send(render_invocation(invocation));
                       });
                   if (refused) responder.send(render_refusal(*refused));
               });

    router.add(
        http::Verb::post, "/2018-06-01/runtime/invocation/{id}/response",
        [&environment](http::Request& request, const http::PathParams& params, http::Responder responder) {
            post_response(environment, request, params[0], std::move(responder));
        },
        kPostLimit,
        http::RouteHooks{
            // Nobody is left to read the 400 TruncatedHTTPRequest; the caller learns of it.
            [&environment](const http::PathParams& params) { (void)environment.runtime_response_truncated(params[0]); },
            // A streamed response goes on to a caller that takes streams, chunk by chunk.
            // The body is read no faster than the caller takes it (back-pressure).
            [&environment](http::Request& head, const http::PathParams& params) -> http::BodySink {
                if (head[kResponseModeHeader] != "streaming") return {};
                const auto content_type = head[boost::beast::http::field::content_type];
                auto sink = environment.runtime_stream_started(
                    params[0], content_type.empty() ? "application/octet-stream" : std::string{content_type});
                return {std::move(sink.write), std::move(sink.when_ready)};
            },
            refuse_unknown_id(environment), true});

    router.add(
        http::Verb::post, "/2018-06-01/runtime/invocation/{id}/error",
        [&environment](http::Request& request, const http::PathParams& params, http::Responder responder) {
            if (request.body().overflowed()) {
                responder.send(render_refusal(payload_too_large()));
                return;
            }
            answer(responder, environment.runtime_error(params[0], read_posted_error(request)));
        },
        kPostLimit,
        http::RouteHooks{.refuse_from_head = refuse_unknown_id(environment), .answers_oversized_body = true});

    router.add(
        http::Verb::post, "/2018-06-01/runtime/init/error",
        [&environment](http::Request& request, const http::PathParams&, http::Responder responder) {
            if (request.body().overflowed()) {
                responder.send(render_refusal(payload_too_large()));
                return;
            }
            answer(responder, environment.runtime_init_error(read_posted_error(request)));
        },
        kPostLimit, http::RouteHooks{.answers_oversized_body = true});

    router.add(http::Verb::get, "/2018-06-01/ping",
               [](http::Request&, const http::PathParams&, http::Responder responder) {
                   responder.send(http::make_response(http::Status::ok, "pong", "text/plain; charset=utf-8"));
               });
}

} // namespace lambda_emu::runtime_api
