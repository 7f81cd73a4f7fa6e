// lambda-emu measured from outside, each figure beside its floor measured in the same run, as the
// median of --runs runs (see measurements.hpp for the groups, and each group's file for its floor).
// Figures, not tests: nothing here asserts a time.
//   serve_bench [--runs 3] [--scale 1] [--json FILE] [--only GROUP,...]
//               [--emulator PATH] [--runtime PATH] [--extension PATH] [--subscriber PATH]
// GROUP: invoke, concurrency, logs, run, shutdown, memory.
#include "figure_table.hpp"
#include "measurements.hpp"
#include "scratch_directory.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

struct Group {
    std::string name;
    std::function<void(const bench::BenchSetup&, bench::FigureTable&)> measure;
};

const std::vector<Group> groups{{"invoke", bench::measure_invocations},
                                {"concurrency", bench::measure_concurrency},
                                {"logs", bench::measure_logs},
                                {"run", bench::measure_run},
                                {"shutdown", bench::measure_shutdown_precision},
                                {"memory", bench::measure_memory}};

const char* const floors_legend =
    R"(Floors, measured in the same run on the same machine:
  invoke, throughput: a bare loopback HTTP echo of the same bytes (bench/echo_server.cpp), measured
    the same way with the same clients, latency doubled and rate halved (an invocation carries the
    bytes twice: caller to runtime, runtime to caller);
  logs: the same program's lines read from a pipe with no processing;
  run: the runtime's own start-up (the same executable started the same way, doing nothing);
  shutdown: an Asio steady_timer in the bench waiting the same deadlines, beside the trials.
)";

int usage()
{
    std::fprintf(stderr, "usage: serve_bench [--runs N] [--scale F] [--json FILE] [--only GROUP,...] "
                         "[--emulator PATH] [--runtime PATH] [--extension PATH] [--subscriber PATH]\n"
                         "GROUP: invoke, concurrency, logs, run, shutdown, memory\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    bench::BenchSetup setup{LAMBDA_EMU_BENCH_EMULATOR, LAMBDA_EMU_BENCH_RUNTIME, LAMBDA_EMU_BENCH_EXTENSION,
                            LAMBDA_EMU_BENCH_SUBSCRIBER};
    std::string json_path;
    std::string only;
    int runs = 3;
    for (int i = 1; i < argc; i += 2) {
        const std::string option = argv[i];
        if (i + 1 == argc) return usage();
        const std::string value = argv[i + 1];
        if (option == "--runs") runs = std::max(1, std::stoi(value));
        else if (option == "--scale") setup.scale = std::stod(value);
        else if (option == "--json") json_path = value;
        else if (option == "--only") only = "," + value + ",";
        else if (option == "--emulator") setup.emulator = value;
        else if (option == "--runtime") setup.runtime = value;
        else if (option == "--extension") setup.extension = value;
        else if (option == "--subscriber") setup.subscriber = value;
        else return usage();
    }
    std::signal(SIGPIPE, SIG_IGN);
    bench::FigureTable table;
    try {
        const bench::ScratchDirectory scratch;
        setup.scratch = &scratch;
        for (int run = 1; run <= runs; ++run)
            for (const Group& group : groups)
                if (only.empty() || only.find("," + group.name + ",") != std::string::npos) {
                    std::fprintf(stderr, "run %d of %d: %s\n", run, runs, group.name.c_str());
                    group.measure(setup, table);
                }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "serve_bench: %s\n", error.what());
        return 1;
    }
    std::printf("lambda-emu, minimal C++ runtime, --sandbox off --cpu host; median of %d run(s), scale %g\n", runs,
                setup.scale);
    table.print(stdout);
    std::printf("%s", floors_legend);
    if (!json_path.empty())
        std::ofstream{json_path}
            << nlohmann::ordered_json{{"runs", runs}, {"scale", setup.scale}, {"figures", table.json()}}.dump(2)
            << '\n';
    return 0;
}
