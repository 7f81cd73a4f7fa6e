// Warm invocations through serve's invoke endpoint, one keep-alive connection, per payload size,
// without and with one INVOKE-subscribed extension. The floor is the echo server measured the same
// way: an invocation carries the bytes twice (caller -> runtime, runtime -> caller), so the echo's
// latency is doubled and its rate halved.
#include "echo_server.hpp"
#include "measurements.hpp"
#include "process_stats.hpp"
#include "serve_process.hpp"
#include "timed_posts.hpp"

#include <utility>
#include <vector>

namespace bench {
namespace {

struct PayloadSize {
    std::string name;
    std::size_t bytes;
    long count; // invocations at --scale 1
};

const std::vector<PayloadSize> payload_sizes{
    {"100B", 100, 2000}, {"64KB", 64 * 1024, 400}, {"1MB", 1024 * 1024, 60}, {"6MB", 6 * 1024 * 1024, 12}};

// A JSON string of `bytes` bytes: the emulator checks that a payload is JSON.
std::string json_payload(std::size_t bytes)
{
    std::string body(bytes, 'x');
    body.front() = '"';
    body.back() = '"';
    return body;
}

void add_figures(FigureTable& table, const std::string& prefix, const TimedPosts& emulator, const TimedPosts& echo,
                 double cpu_us_per_invocation)
{
    for (const auto& [label, p] :
         std::vector<std::pair<std::string, double>>{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"max", 1.0}})
        table.add(prefix + " " + label + " us", percentile(emulator.latencies_us, p),
                  2 * percentile(echo.latencies_us, p));
    table.add(prefix + " invocations/s", emulator.per_second, echo.per_second / 2);
    table.add(prefix + " emulator CPU us/invocation", cpu_us_per_invocation);
}

TimedPosts time_invocations(const ServeProcess& serve, const std::string& body, long count, double& cpu_us)
{
    const double cpu_before = cpu_ms(serve.pid());
    TimedPosts timed = time_posts(serve.port(), ServeProcess::invoke_target(), body, count);
    cpu_us = (cpu_ms(serve.pid()) - cpu_before) * 1000.0 / static_cast<double>(count + 3); // with the warm-up
    return timed;
}

} // namespace

void measure_invocations(const BenchSetup& setup, FigureTable& table)
{
    std::vector<TimedPosts> echoes;
    for (const PayloadSize& size : payload_sizes) {
        EchoServer server;
        echoes.push_back(time_posts(server.port(), "/echo", json_payload(size.bytes), setup.scaled(size.count, 3)));
    }
    const auto measure = [&](const std::string& prefix, const ServeOptions& options, const std::string& console) {
        const ServeProcess serve{setup.emulator, setup.runtime, options, setup.scratch->file(console)};
        for (std::size_t i = 0; i < payload_sizes.size(); ++i) {
            const PayloadSize& size = payload_sizes[i];
            double cpu_us = 0;
            const TimedPosts timed =
                time_invocations(serve, json_payload(size.bytes), setup.scaled(size.count, 3), cpu_us);
            add_figures(table, prefix + size.name, timed, echoes[i], cpu_us);
        }
    };
    measure("invoke ", {}, "serve-invoke.log");
    ServeOptions with_extension;
    with_extension.extensions = {setup.extension};
    measure("invoke with 1 extension ", with_extension, "serve-invoke-extension.log");
}

} // namespace bench
