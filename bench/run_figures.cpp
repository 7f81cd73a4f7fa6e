// `lambda-emu run --sandbox off` of one event with the compiled runtime, its JSON report written:
// the whole command's wall time, from its start to the end of Shutdown (no extension, so the
// runtime is stopped at once, as on Lambda). The floor is the runtime's own start-up: the same
// executable started the same way, doing nothing and exiting.
//
// Then the same run with `--sandbox on`, beside the run without it as its floor: what making and
// removing an environment's sandbox costs (a trial one when the options are checked, then the
// environment's: namespaces, mounts, its init; the runtime entering them as sbx_user1051).
#include "measurements.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace bench {
namespace {

namespace bp = boost::process::v2;

// The wall time of one command, in ms, its output discarded; returns its exit code in `exit_code`.
double command_ms(const std::string& executable, const std::vector<std::string>& arguments, int& exit_code)
{
    boost::asio::io_context io;
    const auto started = std::chrono::steady_clock::now();
    bp::process command{io, executable, arguments, bp::process_stdio{nullptr, nullptr, nullptr}};
    exit_code = command.wait();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

} // namespace

void measure_run(const BenchSetup& setup, FigureTable& table)
{
    const auto event = setup.scratch->file("run-event.json");
    std::ofstream{event} << "{}\n";
    const std::vector<std::string> run_arguments{
        "run",     "--sandbox",    "off",   "--report", setup.scratch->file("run-report.json").string(),
        "--event", event.string(), "--cpu", "host",     setup.runtime};
    std::vector<std::string> sandboxed_arguments = run_arguments;
    sandboxed_arguments[2] = "on";
    std::vector<double> run_ms;
    std::vector<double> sandboxed_ms;
    std::vector<double> start_up_ms;
    for (long trial = setup.scaled(20, 3); trial > 0; --trial) {
        int exit_code = 0;
        run_ms.push_back(command_ms(setup.emulator, run_arguments, exit_code));
        if (exit_code != 0) throw std::runtime_error{"lambda-emu run exited " + std::to_string(exit_code)};
        sandboxed_ms.push_back(command_ms(setup.emulator, sandboxed_arguments, exit_code));
        if (exit_code != 0) throw std::runtime_error{"lambda-emu run --sandbox on exited " + std::to_string(exit_code)};
        start_up_ms.push_back(command_ms(setup.runtime, {"--print", "0"}, exit_code));
    }
    table.add("run of one event, start to end of Shutdown, ms (median)", median(run_ms), median(start_up_ms));
    table.add("the same run in the sandbox, ms (median; floor: without it)", median(sandboxed_ms), median(run_ms));
}

} // namespace bench
