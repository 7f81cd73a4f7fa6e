// Every JSON document the emulator reads from outside, each through the code that reads it:
// the first byte picks the reader, the rest is the document.
//   0 POST /2020-01-01/extension/register body (the real route, in process)
//   1 PUT /2022-07-01/telemetry and 2 PUT /2020-08-15/logs bodies (the real routes, in process)
//   3 a runtime's /invocation/{id}/error body with the error-cause content type, 4 the same as
//     plain JSON, the caller's answer then printed by `run` (report::result_line)
//   5 a streamed response's Lambda-Runtime-Function-Error-Body trailer (base64 of the rest)
//   6 an event file for `run` (invoke::load_events, read from standard input)
//   7 an Invoke API payload (invoke::json_problem and the route's 400 body)
//   8 a runtime's response payload, printed by `run` (report::result_line)
#include "in_process.hpp"
#include "targets.hpp"

#include "fake_environment.hpp"

#include "extensions-api/extensions_api.hpp"
#include "extensions-api/telemetry_hub.hpp"
#include "http/base64.hpp"
#include "invoke/aws_errors.hpp"
#include "invoke/event_source.hpp"
#include "invoke/json_check.hpp"
#include "report/result_line.hpp"
#include "runtime-api/error_bodies.hpp"
#include "runtime-api/runtime_api.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

namespace {

using namespace lambda_emu;

http::Request request(http::Verb verb, std::string_view target, std::string_view body)
{
    http::Request r{verb, target, 11};
    r.body().bytes.assign(body);
    r.body().received = body.size();
    return r;
}

void register_body(std::string_view body)
{
    testing::RecordingObserver observer;
    fuzz::FakeEnvironment fake{observer};
    fake.environment.start_init();
    http::Router router;
    extensions_api::add_routes(router, fake.environment);
    auto r = request(http::Verb::post, "/2020-01-01/extension/register", body);
    r.set("Lambda-Extension-Name", "fuzz-ext");
    r.set("Lambda-Extension-Accept-Feature", "accountId");
    (void)fuzz::call_route(router, r);
}

void subscribe_body(std::string_view target, std::string_view body)
{
    boost::asio::io_context io;
    testing::RecordingObserver observer;
    fuzz::FakeEnvironment fake{observer};
    extensions_api::TelemetryHub hub{io, fake.clock, fake.config, [](const std::string&) {}};
    fake.environment.start_init();
    const auto registered = fake.environment.extension_register("fuzz-ext", {"INVOKE"});
    http::Router router;
    const http::ListenerPorts own;
    extensions_api::add_telemetry_routes(router, fake.environment, hub, own);
    auto r = request(http::Verb::put, target, body);
    r.set("Lambda-Extension-Identifier", std::get<core::Registration>(registered).extension_id);
    (void)fuzz::call_route(router, r);
}

void error_body(std::string_view body, bool error_cause)
{
    testing::Harness harness;
    harness.warm();
    harness.invoke();
    http::Router router;
    runtime_api::add_routes(router, harness.environment);
    auto r = request(http::Verb::post, "/2018-06-01/runtime/invocation/req-1/error", body);
    r.set("Lambda-Runtime-Function-Error-Type", "Fuzz.Error");
    if (error_cause) r.set("Content-Type", "application/vnd.aws.lambda.error.cause+json");
    (void)fuzz::call_route(router, r);
    for (const auto& result : harness.results) (void)report::result_line(result);
}

void payload(std::string_view body)
{
    // simdjson answers first: it must never accept what nlohmann-json (the reference) refuses.
    // Both with the padding in place (read in place) and without (simdjson's own copy).
    std::string padded;
    padded.reserve(body.size() + invoke::kJsonCheckPadding);
    padded.assign(body);
    const bool reference = nlohmann::json::accept(body);
    if (invoke::json_problem(padded).has_value() == reference) __builtin_trap();
    if (invoke::json_problem(std::string{body}).has_value() == reference) __builtin_trap();
    if (const auto problem = invoke::json_problem(std::string{body})) {
        (void)invoke::aws_error(http::Status::bad_request, "InvalidRequestContentException",
                                "Could not parse request body into json: " + *problem);
    }
}

void response_payload(std::string_view body)
{
    core::InvokeResult result;
    result.request_id = "req-1";
    result.payload = core::make_payload(std::string{body});
    (void)report::result_line(result);
}

} // namespace

namespace lambda_emu::fuzz {

void json_bodies(std::string_view input)
{
    if (input.empty()) return;
    const std::string_view body = input.substr(1);
    switch (static_cast<unsigned char>(input[0]) % 9) {
    case 0: register_body(body); break;
    case 1: subscribe_body("/2022-07-01/telemetry", body); break;
    case 2: subscribe_body("/2020-08-15/logs", body); break;
    case 3: error_body(body, true); break;
    case 4: error_body(body, false); break;
    case 5: (void)runtime_api::stream_error_from_trailers("Fuzz.Error", http::base64_encode(body)); break;
    case 6: {
        std::istringstream standard_input{std::string{body}};
        (void)invoke::load_events({"-"}, standard_input);
        break;
    }
    case 7: payload(body); break;
    case 8: response_payload(body); break;
    }
}

} // namespace lambda_emu::fuzz
