// Lambda's retries of an asynchronous invocation (host/event_retries.hpp), against a target that
// records what it is sent and answers as the test says. The delays are a few milliseconds of the
// real event loop's time.
#include "cli/event_retry_options.hpp"
#include "host/event_retries.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

using namespace lambda_emu;

namespace {

class RecordingTarget final : public invoke::InvocationTarget {
public:
    invoke::Admission submit(invoke::Order order) override
    {
        orders.push_back(std::move(order));
        return admission;
    }
    const core::FunctionConfig& function() const override { return config; }

    // The last order ends with this outcome, under the request id the environment gave it.
    void end_last(core::InvokeOutcome outcome, const std::string& request_id = "req-1")
    {
        core::InvokeResult result;
        result.request_id = orders.back().request.request_id.empty() ? request_id : orders.back().request.request_id;
        result.outcome = outcome;
        if (outcome != core::InvokeOutcome::Success) result.error_type = "Error";
        ended_at.push_back(std::chrono::steady_clock::now());
        if (orders.back().on_done) orders.back().on_done(result, {});
    }

    std::vector<invoke::Order> orders;
    std::vector<std::chrono::steady_clock::time_point> ended_at;
    invoke::Admission admission = invoke::Admission::Accepted;
    core::FunctionConfig config;
};

invoke::Order event_order(const char* source = "Event")
{
    invoke::Order order;
    order.source = source;
    order.request.payload = core::make_payload(R"({"n":1})");
    return order;
}

// Runs the loop until the target has `count` orders (or nothing is left to run).
void run_until(boost::asio::io_context& io, const RecordingTarget& target, std::size_t count)
{
    io.restart();
    while (target.orders.size() < count && io.run_one() > 0) {}
}

} // namespace

TEST_CASE("an Event invocation that fails every time is tried three times, with the same event and request id")
{
    boost::asio::io_context io;
    RecordingTarget target;
    std::vector<std::string> lines;
    EventRetries retries{
        io, target, {2, core::Millis{20}}, [&lines](const std::string& line) { lines.push_back(line); }};

    CHECK(retries.submit(event_order()) == invoke::Admission::Accepted);
    REQUIRE(target.orders.size() == 1);
    CHECK(target.orders[0].attempt == 1);
    CHECK(target.orders[0].request.request_id.empty()); // the environment gives it one
    target.end_last(core::InvokeOutcome::FunctionError, "req-1");
    CHECK(retries.pending() == 1);
    run_until(io, target, 2);
    REQUIRE(target.orders.size() == 2);
    CHECK(target.orders[1].attempt == 2);
    CHECK(target.orders[1].request.request_id == "req-1");
    CHECK(*target.orders[1].request.payload == R"({"n":1})");
    CHECK(target.orders[1].source == "Event");
    target.end_last(core::InvokeOutcome::Timeout);
    run_until(io, target, 3);
    REQUIRE(target.orders.size() == 3);
    CHECK(target.orders[2].attempt == 3);
    CHECK(target.orders[2].request.request_id == "req-1");
    target.end_last(core::InvokeOutcome::RuntimeExit);
    CHECK(retries.pending() == 0);
    run_until(io, target, 4);
    CHECK(target.orders.size() == 3);

    CHECK(lines.size() == 3);
    CHECK(lines[0] ==
          "asynchronous invocation req-1 failed (Error) on attempt 1 of 3: retried in 20 ms, as Lambda retries an "
          "asynchronous invocation");
    CHECK(lines[1].find("on attempt 2 of 3: retried in 40 ms") != std::string::npos);
    CHECK(lines[2].find("on attempt 3 of 3: the event is dropped") != std::string::npos);
}

TEST_CASE("the retries wait the delay, then twice the delay")
{
    boost::asio::io_context io;
    RecordingTarget target;
    EventRetries retries{io, target, {2, core::Millis{30}}, [](const std::string&) {}};
    retries.submit(event_order());
    target.end_last(core::InvokeOutcome::FunctionError);
    const auto first_end = std::chrono::steady_clock::now();
    run_until(io, target, 2);
    const auto second_start = std::chrono::steady_clock::now();
    target.end_last(core::InvokeOutcome::FunctionError);
    const auto second_end = std::chrono::steady_clock::now();
    run_until(io, target, 3);
    const auto third_start = std::chrono::steady_clock::now();
    CHECK(second_start - first_end >= core::Millis{30});
    CHECK(third_start - second_end >= core::Millis{60});
}

TEST_CASE("an Event invocation that fails once and then succeeds is tried twice")
{
    boost::asio::io_context io;
    RecordingTarget target;
    EventRetries retries{io, target, {2, core::Millis{1}}, [](const std::string&) {}};
    retries.submit(event_order());
    target.end_last(core::InvokeOutcome::FunctionError);
    run_until(io, target, 2);
    REQUIRE(target.orders.size() == 2);
    target.end_last(core::InvokeOutcome::Success);
    CHECK(retries.pending() == 0);
    run_until(io, target, 3);
    CHECK(target.orders.size() == 2);
}

TEST_CASE("synchronous invocations, interrupted ones and --event-retries 0 are never retried")
{
    boost::asio::io_context io;
    RecordingTarget target;
    EventRetries retries{io, target, {2, core::Millis{1}}, [](const std::string&) {}};
    bool answered = false;
    auto sync = event_order("RequestResponse");
    sync.on_done = [&answered](const core::InvokeResult&, const std::string&) { answered = true; };
    retries.submit(std::move(sync));
    target.end_last(core::InvokeOutcome::FunctionError);
    CHECK(answered); // the caller's own callback still runs
    retries.submit(event_order());
    target.end_last(core::InvokeOutcome::Interrupted);
    CHECK(retries.pending() == 0);

    EventRetries none{io, target, {0, core::Millis{1}}, [](const std::string&) {}};
    none.submit(event_order());
    target.end_last(core::InvokeOutcome::FunctionError);
    CHECK(none.pending() == 0);
    run_until(io, target, 10);
    CHECK(target.orders.size() == 3);
}

TEST_CASE("a retry still waiting when serve shuts down is dropped and said in one line")
{
    boost::asio::io_context io;
    RecordingTarget target;
    std::vector<std::string> lines;
    EventRetries retries{
        io, target, {2, core::Millis{60000}}, [&lines](const std::string& line) { lines.push_back(line); }};
    retries.submit(event_order());
    target.end_last(core::InvokeOutcome::FunctionError, "req-9");
    CHECK(lines.back().find("retried in 60 s") != std::string::npos);
    retries.drop_pending();
    CHECK(retries.pending() == 0);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].starts_with("asynchronous invocation req-9: attempt 2, due in "));
    CHECK(lines[1].ends_with(", dropped: serve is shutting down"));
    // Nothing keeps the loop busy: it ends at once rather than in a minute.
    const auto before = std::chrono::steady_clock::now();
    io.restart();
    io.run();
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds{5});
    CHECK(target.orders.size() == 1);
}

TEST_CASE("a retry the target refuses is said in one line")
{
    boost::asio::io_context io;
    RecordingTarget target;
    std::vector<std::string> lines;
    EventRetries retries{
        io, target, {2, core::Millis{1}}, [&lines](const std::string& line) { lines.push_back(line); }};
    retries.submit(event_order());
    target.admission = invoke::Admission::ShuttingDown;
    target.end_last(core::InvokeOutcome::FunctionError, "req-3");
    run_until(io, target, 2);
    io.restart();
    io.run();
    CHECK(lines.back() == "asynchronous invocation req-3: attempt 2 dropped: everything is shutting down");
}

TEST_CASE("--event-retries and --event-retry-delay: Lambda's numbers, or one line")
{
    auto parsed = event_retry_settings(2, "lambda");
    CHECK(parsed.error.empty());
    CHECK(parsed.settings.first_delay == core::Millis{60000});
    parsed = event_retry_settings(1, "250");
    CHECK(parsed.settings.retries == 1);
    CHECK(parsed.settings.first_delay == core::Millis{250});
    CHECK(event_retry_settings(3, "200").error ==
          "--event-retries must be 0, 1 or 2 (Lambda's MaximumRetryAttempts); got 3");
    CHECK(event_retry_settings(2, "soon").error ==
          "--event-retry-delay soon: expected milliseconds from 0 to 600000, or lambda (60 s, then 120 s)");
    CHECK(!event_retry_settings(2, "-1").error.empty());
    CHECK(!event_retry_settings(2, "").error.empty());
}
