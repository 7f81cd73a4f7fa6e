// The Invoke API's route, step by step: validating a request into an order or an answer, the
// answer to the environments' admission, and the payload limit `run` shares with it.
#include "named_function.hpp"
#include "invoke/event_source.hpp"
#include "invoke/invoke_api.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace lambda_emu;

namespace {

http::Request invoke_request(std::string body, const std::string& type = "")
{
    http::Request request{http::Verb::post, "/2015-03-31/functions/fn/invocations", 11};
    if (!type.empty()) request.set("X-Amz-Invocation-Type", type);
    request.body().received = body.size();
    request.body().bytes = std::move(body);
    return request;
}

struct Checked {
    invoke::CheckedInvoke result;
    int trace_ids_made = 0;
};

Checked check(http::Request& request, const std::string& name = "fn")
{
    static testing::NamedFunction function{"fn"};
    invoke::FunctionDirectory functions;
    functions.add(function, {});
    Checked checked{http::Response{}, 0};
    checked.result = invoke::validate_invoke_request(request, name, functions, [&checked] {
        ++checked.trace_ids_made;
        return std::string{"Root=1-new"};
    });
    return checked;
}

std::string error_type(const http::Response& response)
{
    return std::string{response["x-amzn-ErrorType"]};
}
std::string message(const http::Response& response)
{
    return nlohmann::json::parse(*response.body())["message"];
}

} // namespace

TEST_CASE("an invoke request is refused in Lambda's words: unknown function, bad type, too large, not JSON")
{
    auto unknown = invoke_request("{}");
    const auto missing = std::get<http::Response>(check(unknown, "other").result);
    CHECK(missing.result() == http::Status::not_found);
    CHECK(error_type(missing) == "ResourceNotFoundException");
    CHECK(message(missing) == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:other:$LATEST");

    auto bad_type = invoke_request("{}", "Later");
    const auto type_refusal = std::get<http::Response>(check(bad_type).result);
    CHECK(type_refusal.result() == http::Status::bad_request);
    CHECK(message(type_refusal) == "1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy "
                                   "constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");

    auto big_event = invoke_request("\"" + std::string(invoke::kMaxAsyncPayload, 'x') + "\"", "Event");
    const auto too_large = std::get<http::Response>(check(big_event).result);
    CHECK(too_large.result() == http::Status::payload_too_large);
    CHECK(message(too_large) ==
          "1048578 byte payload is too large for the Event invocation type (limit 1048576 bytes)");

    auto not_json = invoke_request("{nope");
    const auto parse_refusal = std::get<http::Response>(check(not_json).result);
    CHECK(error_type(parse_refusal) == "InvalidRequestContentException");
}

TEST_CASE("a valid invoke request becomes an order; DryRun is answered 204 and makes no trace id")
{
    auto empty = invoke_request("");
    empty.set("X-Amz-Log-Type", "Tail");
    auto checked = check(empty);
    const auto& order = std::get<invoke::AddressedOrder>(checked.result).order;
    CHECK(*order.request.payload == "{}");
    CHECK(order.request.content_type == "application/json");
    CHECK(order.request.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:fn");
    CHECK(order.request.trace_id == "Root=1-new");
    CHECK(order.source == "RequestResponse");
    CHECK(order.wants_log_tail);
    CHECK_FALSE(invoke::is_asynchronous(order));
    CHECK(checked.trace_ids_made == 1);

    auto event = invoke_request("[1]", "Event");
    event.set("X-Amz-Log-Type", "Tail");
    event.set("X-Amzn-Trace-Id", "Root=1-given");
    auto event_checked = check(event);
    const auto& event_order = std::get<invoke::AddressedOrder>(event_checked.result).order;
    CHECK(invoke::is_asynchronous(event_order));
    CHECK_FALSE(event_order.wants_log_tail); // the tail is for synchronous callers only
    CHECK(event_order.request.trace_id == "Root=1-given");
    CHECK(event_checked.trace_ids_made == 0);

    auto dry_run = invoke_request("{}", "DryRun");
    auto dry_checked = check(dry_run);
    CHECK(std::get<http::Response>(dry_checked.result).result() == http::Status::no_content);
    CHECK(dry_checked.trace_ids_made == 0);
}

TEST_CASE("the admission's answer: nothing yet for a synchronous order taken, 202 for an event, errors for refusals")
{
    CHECK_FALSE(invoke::answer_admission(invoke::Admission::Accepted, false).has_value());
    CHECK_FALSE(invoke::answer_admission(invoke::Admission::Queued, false).has_value());
    CHECK(invoke::answer_admission(invoke::Admission::Queued, true)->result() == http::Status::accepted);
    const auto busy = *invoke::answer_admission(invoke::Admission::Busy, false);
    CHECK(busy.result() == http::Status::too_many_requests);
    CHECK(message(busy) == "Rate Exceeded.");
    CHECK(invoke::answer_admission(invoke::Admission::ShuttingDown, true)->result() ==
          http::Status::service_unavailable);
    CHECK(error_type(*invoke::answer_admission(invoke::Admission::Unavailable, false)) == "ServiceException");
}

TEST_CASE("an event file for run over the synchronous limit is refused with the limit in the message")
{
    const std::string path = "/tmp/lambda_emu_unit_big_event.json";
    {
        std::ofstream file{path, std::ios::binary};
        file << '"' << std::string(invoke::kMaxSyncPayload, 'x') << '"';
    }
    std::istringstream no_input;
    const auto loaded = invoke::load_events({path}, no_input);
    std::remove(path.c_str());
    CHECK(loaded.events.empty());
    CHECK(loaded.error == "event " + path +
                              " is over the 6291456-byte limit of a synchronous invocation "
                              "(Lambda answers RequestTooLargeException)");
}

TEST_CASE("an event source that never ends (/dev/zero) is read no further than the limit, then refused")
{
    std::istringstream no_input;
    const auto loaded = invoke::load_events({"/dev/zero"}, no_input);
    CHECK(loaded.events.empty());
    CHECK(loaded.error.find("event /dev/zero is over the 6291456-byte limit") == 0);
}
