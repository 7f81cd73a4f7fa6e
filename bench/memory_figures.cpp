// serve's resident memory (from /proc), which has no floor: with 1 environment; with 64 (serve
// --concurrency 64 and 64 clients at once, each invocation holding its environment 500 ms so that
// none is reused); and over a long run of 1,000,000 invocations of 100 B (4 clients, --concurrency
// 2), before and after, with the growth per invocation.
#include "keep_alive_client.hpp"
#include "measurements.hpp"
#include "process_stats.hpp"
#include "serve_process.hpp"
#include "timed_posts.hpp"

#include <stdexcept>

namespace bench {
namespace {

constexpr double kMegabyte = 1024.0 * 1024.0;
const std::string small_body = R"(")" + std::string(98, 'x') + R"(")";

} // namespace

void measure_memory(const BenchSetup& setup, FigureTable& table)
{
    ServeOptions options;
    {
        options.concurrency = 64;
        const ServeProcess serve{setup.emulator, setup.runtime, options, setup.scratch->file("serve-memory.log")};
        time_posts(serve.port(), ServeProcess::invoke_target(), small_body, 100);
        table.add("emulator RSS MB, 1 environment", resident_bytes(serve.pid()) / kMegabyte);
        constexpr int environments = 64;
        time_parallel_posts(serve.port(), ServeProcess::invoke_target(), R"({"sleep_ms":500})", environments,
                            environments);
        if (const int runtimes = child_count(serve.pid()); runtimes < environments)
            throw std::runtime_error{"64 clients at once made " + std::to_string(runtimes) + " environments"};
        table.add("emulator RSS MB, 64 environments", resident_bytes(serve.pid()) / kMegabyte);
    }
    options.concurrency = 2;
    const ServeProcess serve{setup.emulator, setup.runtime, options, setup.scratch->file("serve-long-run.log")};
    const long invocations = setup.scaled(1000000, 1000);
    time_parallel_posts(serve.port(), ServeProcess::invoke_target(), small_body, 4, 1000);
    const double before = resident_bytes(serve.pid());
    time_parallel_posts(serve.port(), ServeProcess::invoke_target(), small_body, 4, invocations);
    const double after = resident_bytes(serve.pid());
    table.add("long run: invocations", static_cast<double>(invocations));
    table.add("long run: emulator RSS MB before", before / kMegabyte);
    table.add("long run: emulator RSS MB after", after / kMegabyte);
    table.add("long run: emulator RSS growth, bytes/invocation", (after - before) / static_cast<double>(invocations));
}

} // namespace bench
