// The small pure parts around the core: routing, Lambda's log lines, result lines, events,
// customer variables, the extensions' environment.
#include "core/runtime_environment.hpp"
#include "cli/customer_variables.hpp"
#include "http/router.hpp"
#include "invoke/event_source.hpp"
#include "invoke/json_check.hpp"
#include "report/platform_log.hpp"
#include "report/result_line.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

using namespace lambda_emu;

TEST_CASE("the router matches literals and placeholders, and tells 405 from 404")
{
    http::Router router;
    int hits = 0;
    router.add(
        http::Verb::post, "/2018-06-01/runtime/invocation/{id}/response",
        [&](http::Request&, const http::PathParams&, http::Responder) { ++hits; }, 42);
    auto found = router.match(http::Verb::post, "/2018-06-01/runtime/invocation/abc/response?x=1");
    REQUIRE(found.kind == http::Router::Match::Kind::Found);
    CHECK(found.params == http::PathParams{"abc"});
    CHECK(found.body_limit == 42);
    auto empty = router.match(http::Verb::post, "/2018-06-01/runtime/invocation//response");
    REQUIRE(empty.kind == http::Router::Match::Kind::Found); // the API answers InvalidRequestID itself
    CHECK(empty.params == http::PathParams{""});
    CHECK(router.match(http::Verb::get, "/2018-06-01/runtime/invocation/abc/response").kind ==
          http::Router::Match::Kind::MethodNotAllowed);
    CHECK(router.match(http::Verb::post, "/2018-06-01/runtime/invocation/abc").kind ==
          http::Router::Match::Kind::NotFound);
}

TEST_CASE("platform log lines are Lambda's, tab-separated")
{
    core::InvocationReport report;
    report.request_id = "id-1";
    report.duration_ms = 2.854;
    report.billed_duration_ms = 3;
    report.memory_size_mb = 1024;
    report.max_memory_used_mb = 64;
    report.init_duration_ms = 3152.176;
    CHECK(report::report_line(report) ==
          "REPORT RequestId: id-1\tDuration: 2.85 ms\tBilled Duration: 3 ms\tMemory Size: "
          "1024 MB\tMax Memory Used: 64 MB\tInit Duration: 3152.18 ms\t");
    report.init_duration_ms.reset();
    report.status = core::InvokeStatus::Timeout;
    CHECK(report::report_line(report).substr(report::report_line(report).size() - 16) == "\tStatus: timeout");
    // An error or a crash says so, with its type, as a timeout does.
    report.status = core::InvokeStatus::Failure;
    report.error_type = "Runtime.ExitError";
    CHECK(report::report_line(report).ends_with("MB\tStatus: error\tError Type: Runtime.ExitError"));
    report.status = core::InvokeStatus::Error;
    report.error_type = "Handled";
    CHECK(report::report_line(report).ends_with("MB\tStatus: error\tError Type: Handled"));
    CHECK(report::start_line("id-1", "$LATEST") == "START RequestId: id-1 Version: $LATEST");
    CHECK(report::end_line("id-1") == "END RequestId: id-1");
    core::InitReport init{core::InitPhase::Invoke, core::InitStatus::Error, "Runtime.ExitError", 6.381};
    CHECK(report::init_report_line(init) ==
          "INIT_REPORT Init Duration: 6.38 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError");
    init.status = core::InitStatus::Timeout;
    CHECK(report::init_report_line(init) == "INIT_REPORT Init Duration: 6.38 ms\tPhase: invoke\tStatus: timeout");
}

TEST_CASE("result lines carry JSON payloads as JSON and anything else as text")
{
    core::InvokeResult json_result{
        "r1", core::InvokeOutcome::Success, core::make_payload("{\n \"a\": [1]\n}"), "application/json", {}};
    CHECK(
        report::result_line(json_result) ==
        R"({"requestId":"r1","functionError":null,"errorType":null,"contentType":"application/json","payload":{"a":[1]}})");
    core::InvokeResult text{"r2", core::InvokeOutcome::FunctionError, core::make_payload("not json"), "text/plain",
                            "Function.X"};
    CHECK(
        report::result_line(text) ==
        R"({"requestId":"r2","functionError":"Unhandled","errorType":"Function.X","contentType":"text/plain","payloadText":"not json"})");
}

TEST_CASE("events: any JSON value, stdin once, invalid JSON refused with the parser's words")
{
    std::istringstream input{"[1, 2]"};
    auto loaded = invoke::load_events({"-"}, input);
    REQUIRE(loaded.error.empty());
    CHECK(*loaded.events[0].payload == "[1, 2]");
    std::istringstream twice{"{}"};
    CHECK(invoke::load_events({"-", "-"}, twice).error.find("can be read only once") != std::string::npos);
    CHECK(*invoke::load_events({}, input).events.at(0).payload == "{}");

    const std::string path = "/tmp/lambda-emu-unit-event.json";
    std::ofstream{path} << "{\"a\":";
    const auto bad = invoke::load_events({path}, input);
    CHECK(bad.events.empty());
    CHECK(bad.error.find("is not valid JSON") != std::string::npos);
    CHECK(bad.error.find("parse error") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("customer variables: files then flags, comments skipped, reserved keys refused")
{
    const std::string path = "/tmp/lambda-emu-unit.env";
    std::ofstream{path} << "# settings\n\nAA=1\nBB=from-file\n";
    auto read = read_customer_variables({path}, {"BB=from-flag"});
    REQUIRE(read.error.empty());
    CHECK(read.variables == core::Variables{{"AA", "1"}, {"BB", "from-file"}, {"BB", "from-flag"}});
    CHECK(read_customer_variables({}, {"NOEQUALS"}).error.find("is not KEY=VALUE") != std::string::npos);
    CHECK(read_customer_variables({}, {"_HANDLER=x"}).error.find("--handler") != std::string::npos);
    std::ofstream{path} << "LAMBDA_TASK_ROOT=/x\n";
    CHECK(read_customer_variables({path}, {}).error.find(path + ":1: LAMBDA_TASK_ROOT is reserved") == 0);
    std::remove(path.c_str());
}

TEST_CASE("extensions get the function's environment less the runtime-only variables and _ keys")
{
    const auto env = core::extension_environment({"AWS_LAMBDA_RUNTIME_API=x", "_HANDLER=h", "LAMBDA_TASK_ROOT=/t",
                                                  "AWS_LAMBDA_LOG_STREAM_NAME=s", "_CUSTOM=1", "MINE=2", "TZ=:UTC"});
    CHECK(env == std::vector<std::string>{"AWS_LAMBDA_RUNTIME_API=x", "MINE=2", "TZ=:UTC"});
}

#include "extensions-api/telemetry_subscription.hpp"

TEST_CASE("telemetry subscriptions are validated as Lambda does, every problem named")
{
    using extensions_api::parse_subscription;
    using extensions_api::TelemetryApi;
    const http::ListenerPorts none;
    const auto good =
        parse_subscription(TelemetryApi::Telemetry, R"({"schemaVersion":"2022-12-13","types":["platform","function"],
        "buffering":{"maxItems":1000,"maxBytes":262144,"timeoutMs":25},
        "destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:8080/lambda"}})",
                           none);
    REQUIRE(good.subscription);
    CHECK(good.subscription->platform);
    CHECK_FALSE(good.subscription->extension);
    CHECK(good.subscription->destination.port == 8080);
    CHECK(good.subscription->destination.path == "/lambda");
    CHECK(good.subscription->buffering.timeout_ms == 25);

    const auto defaults = parse_subscription(
        TelemetryApi::Telemetry,
        R"({"schemaVersion":"2022-07-01","types":["platform"],"destination":{"protocol":"TCP","port":4243}})", none);
    REQUIRE(defaults.subscription);
    CHECK(defaults.subscription->buffering.max_items == 10000);
    CHECK(defaults.subscription->buffering.max_bytes == 262144);
    CHECK(defaults.subscription->buffering.timeout_ms == 1000);

    const auto bad = parse_subscription(
        TelemetryApi::Telemetry,
        R"({"schemaVersion":"2022-07-01","types":[],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain"}})",
        none);
    CHECK(bad.error == "types should not be empty; URI port is not provided");
    CHECK(parse_subscription(TelemetryApi::Telemetry,
                             R"({"types":["platform"],"destination":{"protocol":"TCP","port":1}})", none)
              .error == "schemaVersion is not provided");
    CHECK(
        parse_subscription(
            TelemetryApi::Telemetry,
            R"({"schemaVersion":"2022-07-01","types":["platform"],"destination":{"protocol":"HTTP","URI":"http://example.com:80/"}})",
            none)
            .error == "URI host should be sandbox.localdomain");
    CHECK(parse_subscription(
              TelemetryApi::Telemetry,
              R"({"schemaVersion":"2022-07-01","types":["platform"],"destination":{"protocol":"TCP","port":9001}})",
              none)
              .error.find("not 9001") != std::string::npos);
    // The Logs API's schema version may be left out.
    CHECK(parse_subscription(TelemetryApi::Logs,
                             R"({"types":["function"],"destination":{"protocol":"HTTP","URI":"http://sandbox:1234"}})",
                             none)
              .subscription->schema_version == "2020-08-15");
    CHECK(parse_subscription(TelemetryApi::Logs, "not json", none).error == "request body is not a JSON object");
}

TEST_CASE("a telemetry subscription may not name one of the emulator's own listeners")
{
    using extensions_api::parse_subscription;
    using extensions_api::TelemetryApi;
    http::ListenerPorts own;
    own.add(41000);
    const auto http_refused = parse_subscription(
        TelemetryApi::Telemetry,
        R"({"schemaVersion":"2022-12-13","types":["platform"],"destination":{"protocol":"HTTP","URI":"http://sandbox:41000/"}})",
        own);
    CHECK_FALSE(http_refused.subscription);
    CHECK(http_refused.error.find("URI port 41000 is lambda-emu's own listener") == 0);
    const auto tcp_refused = parse_subscription(
        TelemetryApi::Logs, R"({"types":["function"],"destination":{"protocol":"TCP","port":41000}})", own);
    CHECK(tcp_refused.error.find("port 41000 is lambda-emu's own listener") == 0);
    own.remove(41000);
    CHECK(parse_subscription(TelemetryApi::Logs,
                             R"({"types":["function"],"destination":{"protocol":"TCP","port":41000}})", own)
              .subscription);
}

#include "http/base64.hpp"
#include "invoke/json_check.hpp"

TEST_CASE("query parameters, base64 and the JSON check, written once for every API")
{
    CHECK(http::query_parameter("/x?reason=timeout&environment=2", "environment") == "2");
    CHECK(http::query_parameter("/x?flag&reason=timeout", "flag").empty());
    CHECK(http::query_parameter("/x", "reason").empty());
    CHECK(http::base64_encode("START RequestId") == "U1RBUlQgUmVxdWVzdElk");
    CHECK(http::base64_decode("eyJhIjoxfQ==") == std::optional<std::string>{R"({"a":1})"});
    CHECK_FALSE(http::base64_decode("not base64!").has_value());
    CHECK_FALSE(invoke::json_problem(R"("a string")").has_value());
    CHECK(invoke::json_problem("{nope")->find("parse error") != std::string::npos);
}

TEST_CASE("payload validation: simdjson's verdict agrees with nlohmann-json's, padded or not")
{
    // Where the two parsers could differ: numbers out of range, lone surrogates, bad UTF-8,
    // control characters, a byte-order mark, deep nesting, trailing garbage.
    const std::vector<std::string> documents{"1e999",
                                             "-1e999",
                                             "18446744073709551616",
                                             "1.7976931348623157e308",
                                             R"("\ud800")",
                                             R"("\udc00")",
                                             R"("\ud83d\ude00")",
                                             "\"\xff\"",
                                             "\"\xc3\x28\"",
                                             "\"a\x01\"",
                                             "\xef\xbb\xbf{}",
                                             std::string(2000, '[') + std::string(2000, ']'),
                                             "{} x",
                                             " [1, 2,]",
                                             "NaN",
                                             "-0",
                                             "0.1e-400",
                                             "\"\t\"",
                                             "[1] ",
                                             "tru"};
    for (const auto& document : documents) {
        CAPTURE(document);
        const bool accepted = nlohmann::json::accept(document);
        std::string padded;
        padded.reserve(document.size() + invoke::kJsonCheckPadding);
        padded.assign(document);
        CHECK(invoke::json_problem(padded).has_value() != accepted);
        std::string tight{document};
        tight.shrink_to_fit();
        CHECK(invoke::json_problem(tight).has_value() != accepted);
    }
    CHECK(invoke::json_problem("1e999")->find("out_of_range.406") != std::string::npos);
}
