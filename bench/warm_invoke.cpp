// Warm-invocation cost: the real environment host (core, Runtime API over Beast, process layer)
// drives a minimal C++ runtime through N invocations per payload size and prints latency
// percentiles, throughput, and the emulator's own CPU time per invocation. Figures, not tests.
#include "core/clock.hpp"
#include "host/environment_host.hpp"
#include "host/ids.hpp"
#include "process/child_reaper.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sys/resource.h>
#include <string_view>
#include <vector>

using namespace lambda_emu;

namespace {

double cpu_ms()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

// Runs invocations back to back: the next starts when the previous one ended.
class Driver final : public core::LifecycleObserver {
public:
    Driver(boost::asio::io_context& io, core::Clock& clock) : io_{io}, clock_{clock} {}

    void attach(EnvironmentHost& host) { host_ = &host; }
    void measure(core::Payload payload, int warmup, int count)
    {
        payload_ = std::move(payload);
        remaining_warmup_ = warmup;
        remaining_ = count;
        latencies_us_.clear();
        latencies_us_.reserve(static_cast<std::size_t>(count));
        if (host_->environment().phase() == core::Phase::Idle) invoke_next();
    }
    const std::vector<double>& latencies_us() const { return latencies_us_; }

    void init_finished(const core::InitReport&) override { invoke_next(); }
    void invocation_finished(const core::InvocationReport&) override
    {
        boost::asio::post(io_, [this] { invoke_next(); });
    }

private:
    void invoke_next()
    {
        if (remaining_warmup_ == 0 && remaining_ == 0) {
            io_.stop();
            return;
        }
        const bool counted = remaining_warmup_ == 0;
        if (counted) --remaining_;
        else --remaining_warmup_;
        core::InvokeRequest request;
        request.payload = payload_;
        const auto started = clock_.now();
        host_->environment().invoke(std::move(request), [this, started, counted](core::InvokeResult result) {
            if (result.outcome != core::InvokeOutcome::Success) std::fprintf(stderr, "invocation failed\n");
            if (counted)
                latencies_us_.push_back(std::chrono::duration<double, std::micro>(clock_.now() - started).count());
        });
    }

    boost::asio::io_context& io_;
    core::Clock& clock_;
    EnvironmentHost* host_ = nullptr;
    core::Payload payload_;
    int remaining_warmup_ = 0;
    int remaining_ = 0;
    std::vector<double> latencies_us_;
};

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

} // namespace

int main(int argc, char** argv)
{
    // warm_invoke [RUNTIME] [--no-freeze]: the freeze between invocations is on unless told.
    const char* runtime = LAMBDA_EMU_BENCH_RUNTIME;
    bool freeze = true;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view{argv[i]} == "--no-freeze") freeze = false;
        else runtime = argv[i];
    }
    if (auto error = process::ChildReaper::become_subreaper(); !error.empty())
        std::fprintf(stderr, "bench: %s\n", error.c_str());
    boost::asio::io_context io;
    process::ChildReaper reaper{io};
    core::SystemClock clock;
    IdGenerator ids;
    Driver driver{io, clock};
    HostOptions options;
    options.function.name = "bench";
    options.function.timeout = core::Millis{60000};
    options.bootstrap = runtime;
    options.task_root = std::filesystem::path{runtime}.parent_path();
    options.path = "/usr/bin:/bin";
    options.freeze = freeze;
    std::string error;
    http::ListenerPorts listeners;
    auto host = EnvironmentHost::create(
        io, reaper, clock, ids, listeners, options, {&driver}, [](const LineSource&, std::string_view) {}, error);
    if (!host) {
        std::fprintf(stderr, "bench: %s\n", error.c_str());
        return 1;
    }
    driver.attach(*host);
    host->environment().start_init();

    std::printf("warm invocations through lambda-emu's environment host and a minimal C++ runtime (freeze %s)\n",
                freeze ? "on" : "off");
    std::printf("%10s %8s %10s %10s %10s %12s %16s\n", "payload", "count", "p50 us", "p99 us", "mean us", "invokes/s",
                "emulator CPU us");
    for (const std::size_t size : {std::size_t{64}, std::size_t{64 * 1024}, std::size_t{1024 * 1024}}) {
        const int count = size >= 1024 * 1024 ? 500 : 5000;
        std::string bytes(size, 'x');
        bytes.front() = '"';
        bytes.back() = '"';
        const double cpu_before = cpu_ms();
        const auto wall_before = std::chrono::steady_clock::now();
        driver.measure(core::make_payload(std::move(bytes)), 200, count);
        io.restart();
        io.run();
        const double wall_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_before).count();
        const double cpu_per_invoke_us = (cpu_ms() - cpu_before) * 1000.0 / (count + 200);
        const auto& latencies = driver.latencies_us();
        double sum = 0;
        for (const double l : latencies) sum += l;
        std::printf("%10zu %8d %10.1f %10.1f %10.1f %12.0f %16.1f\n", size, count, percentile(latencies, 0.5),
                    percentile(latencies, 0.99), sum / static_cast<double>(latencies.size()),
                    (count + 200) / (wall_ms / 1000.0), cpu_per_invoke_us);
    }
    std::printf("(latency: invoke() to the caller's answer; emulator CPU: user+system time of this process per "
                "invocation, the runtime's excluded)\n");
    host.reset();
    return 0;
}
