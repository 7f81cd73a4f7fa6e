// Every input the fuzz targets found a crash with (fuzz/regressions/<target>/<file>), replayed
// through the same function the target runs (fuzz/targets.hpp), must now get a clean answer.
//
// Files are named by class:
//   utf8-*     invalid UTF-8 reaching nlohmann's dump() (type_error 316)
//   percent-*  a percent escape that is not hex handed to std::stoi
//   anything else: fixed on the branch that found it.
#include "fake_environment.hpp"
#include "targets.hpp"

#include "extensions-api/telemetry_subscription.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace lambda_emu;

namespace {

namespace fs = std::filesystem;

const fs::path kRegressions{LAMBDA_EMU_FUZZ_REGRESSIONS};

std::string read_bytes(const fs::path& file)
{
    std::ifstream in{file, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, {}};
}

bool in_class(const fs::path& file, const std::string& prefix)
{
    const std::string name = file.filename().string();
    if (prefix.empty()) return name.rfind("utf8-", 0) != 0 && name.rfind("percent-", 0) != 0;
    return name.rfind(prefix, 0) == 0;
}

// The saved inputs of one class, sorted so failures read the same every time.
std::vector<std::pair<std::string, fs::path>> saved_inputs(const std::string& prefix)
{
    std::vector<std::pair<std::string, fs::path>> inputs;
    for (const auto& target : fs::directory_iterator{kRegressions}) {
        if (!target.is_directory()) continue;
        for (const auto& file : fs::directory_iterator{target.path()}) {
            if (file.is_regular_file() && in_class(file.path(), prefix)) {
                inputs.emplace_back(target.path().filename().string(), file.path());
            }
        }
    }
    std::sort(inputs.begin(), inputs.end());
    return inputs;
}

// A clean answer: nothing escapes, every connection that was answered got an HTTP response,
// and the line reader's lines are the input's.
void replay(const std::string& target, const std::string& bytes)
{
    if (target == "http_apis") {
        const auto exchange = fuzz::http_apis(bytes);
        bool answered = false;
        for (const auto& answer : exchange.answers) {
            if (answer.empty()) continue;
            answered = true;
            CHECK(answer.rfind("HTTP/1.1 ", 0) == 0);
            CHECK(answer.rfind("HTTP/1.1 5", 0) != 0); // a client's mistake is a 4xx, not a server error
        }
        CHECK(answered);
    } else if (target == "json_bodies") {
        fuzz::json_bodies(bytes);
    } else if (target == "percent_decoding") {
        fuzz::percent_decoding(bytes);
    } else if (target == "event_stream") {
        fuzz::event_stream(bytes);
    } else if (target == "line_reader") {
        CHECK(fuzz::line_reader(bytes) == fuzz::expected_lines(bytes));
    } else {
        FAIL("no such fuzz target: " << target);
    }
}

void replay_class(const std::string& prefix)
{
    const auto inputs = saved_inputs(prefix);
    for (const auto& [target, file] : inputs) {
        INFO("replaying fuzz/regressions/" << target << "/" << file.filename().string());
        CHECK_NOTHROW(replay(target, read_bytes(file)));
    }
}

} // namespace

TEST_CASE("fuzz regressions: numbers out of range and mistyped subscription members replay cleanly")
{
    REQUIRE_FALSE(saved_inputs("").empty());
    replay_class("");
}

TEST_CASE("fuzz regressions: bytes that are not UTF-8 reaching a JSON document replay cleanly")
{
    REQUIRE_FALSE(saved_inputs("utf8-").empty());
    replay_class("utf8-");
}

TEST_CASE("fuzz regressions: percent escapes that are not hex replay cleanly")
{
    REQUIRE_FALSE(saved_inputs("percent-").empty());
    replay_class("percent-");
}

// The exact bytes of the findings fixed here, with the answer each must get.
TEST_CASE("an invoke payload whose number overflows a double is refused as not JSON, not thrown")
{
    const auto exchange = fuzz::http_apis(
        "POST /2015-03-31/functions/fn/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n1e999");
    REQUIRE(exchange.answers.size() == 1);
    CHECK(exchange.answers[0].rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(exchange.answers[0].find("InvalidRequestContentException") != std::string::npos);
    CHECK(exchange.answers[0].find("number overflow") != std::string::npos);
}

TEST_CASE("a Telemetry API subscription whose schemaVersion is not a string is a ValidationError, not thrown")
{
    const std::string body = R"({"schemaVersion":1,"types":["platform"]})";
    const auto exchange = fuzz::http_apis(
        "POST /2020-01-01/extension/register HTTP/1.1\r\nHost: x\r\nLambda-Extension-Name: ext\r\nContent-Length: "
        "21\r\n\r\n"
        R"({"events":["INVOKE"]})"
        "PUT /2022-07-01/telemetry HTTP/1.1\r\nHost: x\r\nLambda-Extension-Identifier: " +
        std::string{fuzz::kFirstId} + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    REQUIRE(exchange.answers.size() == 1);
    const auto& answer = exchange.answers[0];
    CHECK(answer.rfind("HTTP/1.1 200 ", 0) == 0); // the registration
    const auto second = answer.find("HTTP/1.1 ", 1);
    REQUIRE(second != std::string::npos);
    CHECK(answer.compare(second, 13, "HTTP/1.1 400 ") == 0);
    CHECK(answer.find(R"("errorMessage":"schemaVersion should be a string; destination is not provided")") !=
          std::string::npos);
    CHECK(answer.find(R"("errorType":"ValidationError")") != std::string::npos);
}

TEST_CASE("a Logs API subscription whose TCP port is a string is refused, not thrown")
{
    const auto parsed = extensions_api::parse_subscription(
        extensions_api::TelemetryApi::Logs, R"({"types":["platform"],"destination":{"protocol":"TCP","port":"80"}})",
        http::ListenerPorts{});
    CHECK_FALSE(parsed.subscription.has_value());
    CHECK(parsed.error == "port should be between 1 and 65535, not 9001");
}
