// Log throughput: one invocation whose runtime prints N lines of 100 bytes, serve's console
// redirected to a file. Without a subscriber the time runs from the invocation's start to its
// answer; with one Telemetry subscriber (minimal_subscriber), until the subscriber has all N lines
// (serve --no-freeze: Lambda freezes the environment once the invocation answers, and its
// subscriber would get the rest only at the next invocation).
// The floor is the same program's output read from a pipe with no processing.
#include "keep_alive_client.hpp"
#include "measurements.hpp"
#include "process_stats.hpp"
#include "serve_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace bench {
namespace {

namespace bp = boost::process::v2;
using Clock = std::chrono::steady_clock;

constexpr double kLineBytes = 100;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double pipe_floor_seconds(const std::string& runtime, long lines)
{
    net::io_context io;
    net::readable_pipe output{io};
    std::vector<char> chunk(1 << 16);
    const auto started = Clock::now();
    bp::process printer{io, runtime, {"--print", std::to_string(lines)}, bp::process_stdio{nullptr, output, nullptr}};
    boost::system::error_code ec;
    while (!ec) output.read_some(net::buffer(chunk), ec);
    printer.wait();
    return seconds_since(started);
}

// What minimal_subscriber has received so far, from the file it rewrites after every batch.
struct SubscriberTotals {
    long records = 0;
    long dropped = 0;
};

SubscriberTotals read_totals(const std::filesystem::path& progress)
{
    SubscriberTotals totals;
    std::ifstream{progress} >> totals.records >> totals.dropped;
    return totals;
}

// Waits until the subscriber has `lines` more records (received or reported dropped) than
// `before`; gives up after 5 s without progress, so that lost records show as a figure, not a hang.
SubscriberTotals wait_for_records(const std::filesystem::path& progress, SubscriberTotals before, long lines)
{
    SubscriberTotals now = before;
    auto progressed_at = Clock::now();
    while (now.records - before.records + now.dropped - before.dropped < lines) {
        std::this_thread::sleep_for(std::chrono::microseconds{500});
        const SubscriberTotals read = read_totals(progress);
        if (read.records != now.records || read.dropped != now.dropped) progressed_at = Clock::now();
        now = read;
        if (seconds_since(progressed_at) > 5) {
            std::fprintf(stderr, "bench: the subscriber got %ld of %ld lines\n", now.records - before.records, lines);
            break;
        }
    }
    return {now.records - before.records, now.dropped - before.dropped};
}

void add_throughput(FigureTable& table, const std::string& prefix, long lines, double seconds, double floor_seconds,
                    double cpu_ms)
{
    const auto n = static_cast<double>(lines);
    table.add(prefix + " MB/s", n * kLineBytes / 1e6 / seconds, n * kLineBytes / 1e6 / floor_seconds);
    table.add(prefix + " lines/s", n / seconds, n / floor_seconds);
    table.add(prefix + " emulator CPU ns/line", cpu_ms * 1e6 / n);
}

std::string log_event(long lines)
{
    return R"({"log":)" + std::to_string(lines) + "}";
}

void measure_console(const BenchSetup& setup, FigureTable& table, long lines, double floor_seconds)
{
    const ServeProcess serve{setup.emulator, setup.runtime, {}, setup.scratch->file("serve-logs.log")};
    KeepAliveClient client{serve.port()};
    client.post(ServeProcess::invoke_target(), "{}"); // the environment's Init is not part of it
    const double cpu_before = cpu_ms(serve.pid());
    const auto started = Clock::now();
    client.post(ServeProcess::invoke_target(), log_event(lines));
    const double seconds = seconds_since(started);
    add_throughput(table, "logs to console", lines, seconds, floor_seconds, cpu_ms(serve.pid()) - cpu_before);
}

void measure_subscriber(const BenchSetup& setup, FigureTable& table, long lines, double floor_seconds)
{
    const auto progress = setup.scratch->file("subscriber-progress");
    std::filesystem::remove(progress); // a new subscriber counts from 0
    ServeOptions options;
    options.extensions = {setup.subscriber};
    options.environment = {"BENCH_SUBSCRIBER_PROGRESS=" + progress.string()};
    options.freeze = false; // a frozen environment's subscriber gets nothing once the invocation answers
    const ServeProcess serve{setup.emulator, setup.runtime, options, setup.scratch->file("serve-logs-subscriber.log")};
    KeepAliveClient client{serve.port()};
    client.post(ServeProcess::invoke_target(), "{}"); // Init, and the subscription, are not part of it
    const SubscriberTotals before = read_totals(progress);
    const double cpu_before = cpu_ms(serve.pid());
    const auto started = Clock::now();
    client.post(ServeProcess::invoke_target(), log_event(lines));
    const SubscriberTotals received = wait_for_records(progress, before, lines);
    const double seconds = seconds_since(started);
    const std::string prefix = "logs with a Telemetry subscriber";
    add_throughput(table, prefix, lines, seconds, floor_seconds, cpu_ms(serve.pid()) - cpu_before);
    table.add(prefix + ": records received", static_cast<double>(received.records));
    table.add(prefix + ": records dropped (platform.logsDropped)", static_cast<double>(received.dropped));
}

} // namespace

void measure_logs(const BenchSetup& setup, FigureTable& table)
{
    const long lines = setup.scaled(200000, 1000);
    const double floor_seconds = pipe_floor_seconds(setup.runtime, lines);
    measure_console(setup, table, lines, floor_seconds);
    measure_subscriber(setup, table, lines, floor_seconds);
}

} // namespace bench
