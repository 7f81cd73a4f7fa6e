// Function URLs' mappings (invoke/function_url_event.hpp, invoke/function_url_answer.hpp), the
// router's prefix routes they ride on, and InvokeWithResponseStream's events
// (invoke/response_stream_api.hpp).
#include "http/event_stream.hpp"
#include "http/router.hpp"
#include "invoke/function_url_answer.hpp"
#include "invoke/function_url_event.hpp"
#include "invoke/response_stream_api.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace lambda_emu;

namespace {

core::InvokeResult answer(std::string payload, core::InvokeOutcome outcome = core::InvokeOutcome::Success)
{
    core::InvokeResult result;
    result.outcome = outcome;
    result.payload = core::make_payload(std::move(payload));
    if (outcome != core::InvokeOutcome::Success) result.error_type = "Sandbox.Timedout";
    return result;
}

http::Response response_to(const std::string& payload)
{
    return invoke::function_url_response(answer(payload));
}

// Why a function URL refuses this answer; empty when it takes it.
std::string refusal_of(const std::string& payload)
{
    const auto mapped = invoke::map_function_url_answer(core::make_payload(payload));
    const auto* refused = std::get_if<core::RefusedAnswer>(&mapped);
    return refused ? refused->error_type + ": " + refused->message : std::string{};
}

std::vector<std::string> field_names(const http::Response& response)
{
    std::vector<std::string> names;
    for (const auto& field : response) names.emplace_back(field.name_string());
    return names;
}

std::vector<std::string> set_cookies(const http::Response& response)
{
    std::vector<std::string> cookies;
    for (auto range = response.equal_range(boost::beast::http::field::set_cookie); range.first != range.second;
         ++range.first) {
        cookies.emplace_back(range.first->value());
    }
    return cookies;
}

} // namespace

TEST_CASE("a prefix route takes any method and any path below it, and hands over the rest of the path")
{
    http::Router router;
    router.add(http::Verb::get, "/lambda-emu/health", [](http::Request&, const http::PathParams&, http::Responder) {});
    router.add_prefix("/lambda-url/{name}", [](http::Request&, const http::PathParams&, http::Responder) {});
    const auto deep = router.match(http::Verb::patch, "/lambda-url/fn/a/b%20c?x=1");
    REQUIRE(deep.kind == http::Router::Match::Kind::Found);
    CHECK(deep.params == http::PathParams{"fn", "/a/b%20c"});
    CHECK(router.match(http::Verb::get, "/lambda-url/fn").params == http::PathParams{"fn", ""});
    CHECK(router.match(http::Verb::get, "/lambda-url/fn/").params == http::PathParams{"fn", "/"});
    CHECK(router.match(http::Verb::get, "/lambda-url").kind == http::Router::Match::Kind::NotFound);
    CHECK(router.match(http::Verb::post, "/lambda-emu/health").kind == http::Router::Match::Kind::MethodNotAllowed);
}

TEST_CASE("a function URL request becomes the payload format 2.0 event")
{
    http::Request request{http::Verb::post, "/lambda-url/fn/p?a=1&a=2&b=%2F", 11};
    request.set("Host", "127.0.0.1:9000");
    request.set("Content-Type", "image/png");
    request.insert("X-Many", "1");
    request.insert("X-Many", "2");
    request.set("Cookie", "c1=v1;c2=v2");
    request.body().bytes = std::string{"\x89PNG\0", 5};
    invoke::FunctionUrlContext context;
    context.raw_path = "/p";
    context.function_name = "fn";
    context.account_id = "123456789012";
    context.request_id = "req";
    context.trace_id = "Root=1-x";
    context.epoch_ms = 1583348638390;
    const auto event = nlohmann::json::parse(invoke::function_url_event(request, context));
    CHECK(event["rawPath"] == "/p");
    CHECK(event["rawQueryString"] == "a=1&a=2&b=%2F");
    CHECK(event["queryStringParameters"] == nlohmann::json{{"a", "1,2"}, {"b", "/"}});
    CHECK(event["cookies"] == nlohmann::json{"c1=v1", "c2=v2"});
    CHECK(event["headers"]["x-many"] == "1,2");
    CHECK(event["headers"]["content-type"] == "image/png");
    CHECK(event["requestContext"]["time"] == "04/Mar/2020:19:03:58 +0000");
    CHECK(event["requestContext"]["timeEpoch"] == 1583348638390);
    CHECK(event["requestContext"]["accountId"] == "123456789012");
    CHECK(event["requestContext"]["http"]["method"] == "POST");
    CHECK(event["isBase64Encoded"] == true);
    CHECK(event["body"] == "iVBORwA=");
    CHECK(invoke::is_text_body("application/json; charset=utf-8", "{}"));
    CHECK(invoke::is_text_body("text/plain", "caf\xc3\xa9"));
    CHECK_FALSE(invoke::is_text_body("text/plain", "\xff"));
    CHECK_FALSE(invoke::is_text_body("", "plain words"));
}

TEST_CASE("the function's answer becomes the HTTP response as function URLs map it")
{
    const auto plain = invoke::function_url_response(answer(R"("Hello, world!")"));
    CHECK(plain.result() == http::Status::ok);
    CHECK(plain[boost::beast::http::field::content_type] == "application/json");
    CHECK(*plain.body() == R"("Hello, world!")"); // the value as the function wrote it

    const auto structured = invoke::function_url_response(answer(
        R"({"statusCode":201,"headers":{"X-A":"b","Content-Length":"9","X-N":1},"cookies":["c=1","d=2"],"body":"aGk=","isBase64Encoded":true})"));
    CHECK(structured.result() == http::Status::created);
    CHECK(structured["X-A"] == "b");
    CHECK(structured["X-N"] == "1");
    CHECK(structured[boost::beast::http::field::content_length].empty()); // the emulator frames the body
    CHECK(set_cookies(structured) == std::vector<std::string>{"c=1", "d=2"});
    CHECK(*structured.body() == "hi");

    CHECK(invoke::function_url_response(answer(R"({"statusCode":99})")).result() == http::Status::bad_gateway);
    CHECK(invoke::function_url_response(answer("not json")).result() == http::Status::bad_gateway);
    CHECK(invoke::function_url_response(answer("{}", core::InvokeOutcome::Timeout)).result() ==
          http::Status::bad_gateway);
    const auto injected = invoke::function_url_response(answer(R"({"statusCode":200,"headers":{"X":"a\r\nB: c"}})"));
    CHECK(injected["X"].empty());
}

TEST_CASE("an interim status (1xx) is no answer: refused as a function error, 502 to the client")
{
    for (const char* code : {"100", "101", "199"}) {
        const std::string payload = std::string{R"({"statusCode":)"} + code + R"(,"body":"x"})";
        CAPTURE(payload);
        CHECK(response_to(payload).result() == http::Status::bad_gateway);
        CHECK(*response_to(payload).body() == "Internal Server Error");
        CHECK(refusal_of(payload) == std::string{"Function.InvalidUrlResponse: The function URL cannot send the "
                                                 "function's answer: statusCode "} +
                                         code + " is not a final HTTP status (200-599)");
        CHECK_FALSE(invoke::head_from_prelude(std::string{R"({"statusCode":)"} + code + "}"));
    }
    CHECK(response_to(R"({"statusCode":200})").result() == http::Status::ok);
    CHECK(response_to(R"({"statusCode":599})").result() == static_cast<http::Status>(599));
    CHECK(refusal_of(R"({"statusCode":600})").starts_with("Function.InvalidUrlResponse"));
    CHECK(refusal_of("not json").starts_with("Function.InvalidUrlResponse"));
    CHECK(refusal_of(R"({"statusCode":200})").empty());
}

TEST_CASE("204 and 304 are sent without a body: the function's body is dropped and counted")
{
    for (const auto status : {http::Status::no_content, http::Status::not_modified}) {
        const auto code = std::to_string(static_cast<unsigned>(status));
        const auto with_body = invoke::function_url_response(
            answer(R"({"statusCode":)" + code + R"(,"headers":{"X-Kept":"yes"},"body":"dropped"})"));
        CHECK(with_body.result() == status);
        CHECK(with_body.body()->empty());
        CHECK(with_body["X-Kept"] == "yes");
        const auto mapped =
            invoke::map_function_url_answer(core::make_payload(R"({"statusCode":)" + code + R"(,"body":"dropped"})"));
        REQUIRE(std::holds_alternative<invoke::MappedAnswer>(mapped));
        CHECK(std::get<invoke::MappedAnswer>(mapped).dropped_body_bytes == 7);
        const auto without = invoke::map_function_url_answer(core::make_payload(R"({"statusCode":)" + code + "}"));
        CHECK(std::get<invoke::MappedAnswer>(without).dropped_body_bytes == 0);
    }
}

TEST_CASE("header names that are not HTTP tokens are dropped, as values with CR or LF are")
{
    const auto response = response_to(
        R"j({"statusCode":200,"headers":{"":"v"," ":"w","a:b":"c","with space":"d","tab\t":"e","caf\u00e9":"f",)j"
        R"j("(x)":"g","X-Ok_1.~!#$%&'*+^`|":"yes"},"body":"ok"})j");
    CHECK(response.result() == http::Status::ok);
    CHECK(field_names(response) == std::vector<std::string>{"X-Ok_1.~!#$%&'*+^`|"});
    CHECK(*response.body() == "ok");
}

TEST_CASE("a base64 body must be a base64 string; any other body is sent as its JSON text")
{
    for (const char* body : {"123", R"({"a":"aGk="})", "true", R"(["aGk="])"}) {
        const std::string payload = std::string{R"({"statusCode":200,"isBase64Encoded":true,"body":)"} + body + "}";
        CAPTURE(payload);
        CHECK(response_to(payload).result() == http::Status::bad_gateway);
        CHECK(refusal_of(payload).starts_with("Function.InvalidUrlResponse"));
    }
    CHECK(refusal_of(R"({"statusCode":200,"isBase64Encoded":true,"body":"not base64!"})")
              .starts_with("Function.InvalidUrlResponse"));
    CHECK(*response_to(R"({"statusCode":200,"isBase64Encoded":true})").body() == ""); // no body at all is fine
    CHECK(*response_to(R"({"statusCode":200,"body":123})").body() == "123");
    CHECK(*response_to(R"({"statusCode":200,"body":{"a":1}})").body() == R"({"a":1})");
    CHECK(*response_to(R"({"statusCode":200,"body":true})").body() == "true");
}

TEST_CASE("a streaming function's prelude gives the head; one that is not a JSON object gives none")
{
    const auto head =
        invoke::head_from_prelude(R"({"statusCode":404,"headers":{"Content-Type":"text/html"},"cookies":["x=1"]})");
    REQUIRE(head);
    CHECK(head->result() == http::Status::not_found);
    CHECK((*head)[boost::beast::http::field::content_type] == "text/html");
    CHECK(set_cookies(*head) == std::vector<std::string>{"x=1"});
    CHECK(invoke::head_from_prelude("{}")->result() == http::Status::ok);
    CHECK_FALSE(invoke::head_from_prelude("[1]"));
    CHECK_FALSE(invoke::head_from_prelude(R"({"statusCode":"x"})"));
}

TEST_CASE("InvokeWithResponseStream's events: PayloadChunk carries the bytes, InvokeComplete the outcome")
{
    const auto chunk = http::decode_event_stream_message(invoke::payload_chunk_event("bytes"));
    REQUIRE(chunk.status == http::EventStreamDecoding::Status::Message);
    CHECK(chunk.message.header(":event-type") == "PayloadChunk");
    CHECK(chunk.message.header(":message-type") == "event");
    CHECK(chunk.message.payload == "bytes");

    const auto success = http::decode_event_stream_message(invoke::invoke_complete_event(answer("{}"), nullptr));
    CHECK(success.message.header(":event-type") == "InvokeComplete");
    CHECK(success.message.header(":content-type") == "application/json");
    CHECK(success.message.payload == "{}");

    const std::string log = "START\nEND\n";
    const auto timeout = http::decode_event_stream_message(invoke::invoke_complete_event(
        answer(R"({"errorMessage":"Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout"})",
               core::InvokeOutcome::Timeout),
        &log));
    CHECK(nlohmann::json::parse(timeout.message.payload) ==
          nlohmann::json{{"ErrorCode", "Sandbox.Timedout"},
                         {"ErrorDetails", "Task timed out after 3.00 seconds"},
                         {"LogResult", "U1RBUlQKRU5ECg=="}});
}
