#pragma once
// The bench's measurement groups. Each measures its figures once (one run) beside their floors,
// measured in the same run, and adds them to the table; main repeats them --runs times.
#include "figure_table.hpp"
#include "scratch_directory.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace bench {

struct BenchSetup {
    std::string emulator;   // lambda-emu
    std::string runtime;    // minimal_runtime
    std::string extension;  // minimal_extension
    std::string subscriber; // minimal_subscriber
    double scale = 1;       // multiplies every count (the smoke test runs tiny ones)
    const ScratchDirectory* scratch = nullptr;

    long scaled(long count, long at_least) const
    {
        return std::max(at_least, std::lround(static_cast<double>(count) * scale));
    }
};

// Warm invocations over one keep-alive connection, 100 B to 6 MB, without and with one
// INVOKE-subscribed extension: latency percentiles, rate, the emulator's CPU per invocation.
void measure_invocations(const BenchSetup& setup, FigureTable& table);
// 100 B invocations/s with 1, 4 and 16 clients against serve --concurrency 1, 2 and 4.
void measure_concurrency(const BenchSetup& setup, FigureTable& table);
// One invocation printing N lines of 100 bytes, with and without a Telemetry subscriber.
void measure_logs(const BenchSetup& setup, FigureTable& table);
// `lambda-emu run` of one event, start to end of Shutdown.
void measure_run(const BenchSetup& setup, FigureTable& table);
// SIGKILL sent minus its deadline, over 100 `run`s whose processes ignore the shutdown.
void measure_shutdown_precision(const BenchSetup& setup, FigureTable& table);
// serve's resident memory with 1 and 64 environments, and its growth over 1,000,000 invocations.
void measure_memory(const BenchSetup& setup, FigureTable& table);

} // namespace bench
