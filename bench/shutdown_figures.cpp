// Shutdown precision: `lambda-emu run` of one event whose runtime ignores SIGTERM and whose one
// INVOKE/SHUTDOWN extension stays on after SHUTDOWN (minimal_extension with BENCH_IGNORE_SHUTDOWN),
// so both are killed at their deadlines: the runtime's share (--runtime-grace 100 ms after SIGTERM)
// and the phase's end (--shutdown-budget 300 ms). The figure is SIGKILL sent minus its deadline,
// from the JSON reports' shutdowns[].processes[].sigkillMs and deadlineMs, over 100 trials run 2 at
// a time. The floor is what the emulator's own mechanism costs at best: an Asio steady_timer in
// the bench waiting the same deadlines, in the same event loop that waits for the trials.
#include "measurements.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace bench {
namespace {

namespace bp = boost::process::v2;
using namespace std::chrono_literals;

constexpr auto kRuntimeGrace = 100ms;
constexpr auto kShutdownBudget = 300ms;
constexpr int kTrialsAtOnce = 2;

class ShutdownTrials {
public:
    ShutdownTrials(const BenchSetup& setup, long trials) : setup_{setup}, left_to_start_{trials}
    {
        std::ofstream{event_} << "{}\n";
    }

    void run()
    {
        for (int i = 0; i < kTrialsAtOnce; ++i) start_next();
        io_.run();
        if (failure_) std::rethrow_exception(failure_);
    }

    std::vector<double> sigkill_late_us; // SIGKILL sent minus its deadline, per killed process
    std::vector<double> timer_late_us;   // the floor: a steady_timer's wake-up minus its expiry

private:
    void start_next()
    {
        if (left_to_start_ == 0 || failure_) return;
        const auto report = setup_.scratch->file("shutdown-report-" + std::to_string(left_to_start_--) + ".json");
        auto trial = std::make_shared<bp::process>(io_, setup_.emulator, trial_arguments(report),
                                                   bp::process_stdio{nullptr, nullptr, nullptr});
        trial->async_wait([this, trial, report](boost::system::error_code, int) {
            try {
                read_report(report);
            } catch (...) {
                failure_ = std::current_exception();
            }
            start_next();
        });
        // The floor's timers wait the same two deadlines, started with the trial.
        time_timer(kRuntimeGrace);
        time_timer(kShutdownBudget);
    }

    std::vector<std::string> trial_arguments(const std::filesystem::path& report) const
    {
        std::vector<std::string> arguments{"run", "--sandbox", "off", "--cpu", "host", "--report", report.string()};
        arguments.insert(arguments.end(), {"--extension", setup_.extension, "--env", "BENCH_IGNORE_SHUTDOWN=1"});
        arguments.insert(arguments.end(), {"--runtime-grace", std::to_string(kRuntimeGrace.count())});
        arguments.insert(arguments.end(), {"--shutdown-budget", std::to_string(kShutdownBudget.count())});
        arguments.insert(arguments.end(), {"--event", event_.string(), setup_.runtime});
        return arguments;
    }

    void time_timer(std::chrono::milliseconds deadline)
    {
        auto timer = std::make_shared<boost::asio::steady_timer>(io_, deadline);
        timer->async_wait([this, timer](boost::system::error_code) {
            timer_late_us.push_back(
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - timer->expiry()).count());
        });
    }

    void read_report(const std::filesystem::path& report)
    {
        const auto json = nlohmann::json::parse(std::ifstream{report});
        int killed = 0;
        for (const auto& shutdown : json.at("shutdowns"))
            for (const auto& process : shutdown.at("processes"))
                if (process.at("sigkillMs").is_number() && process.at("deadlineMs").is_number()) {
                    sigkill_late_us.push_back(
                        (process["sigkillMs"].get<double>() - process["deadlineMs"].get<double>()) * 1000.0);
                    ++killed;
                }
        if (killed != 2)
            throw std::runtime_error{report.string() + ": expected the runtime and the extension killed, got " +
                                     std::to_string(killed)};
    }

    const BenchSetup& setup_;
    const std::filesystem::path event_ = setup_.scratch->file("shutdown-event.json");
    long left_to_start_;
    std::exception_ptr failure_;
    boost::asio::io_context io_;
};

} // namespace

void measure_shutdown_precision(const BenchSetup& setup, FigureTable& table)
{
    ShutdownTrials trials{setup, setup.scaled(100, 2)};
    trials.run();
    for (const auto& [label, p] :
         std::vector<std::pair<std::string, double>>{{"p50", 0.5}, {"p99", 0.99}, {"max", 1.0}})
        table.add("shutdown: SIGKILL sent minus its deadline, " + label + " us", percentile(trials.sigkill_late_us, p),
                  percentile(trials.timer_late_us, p));
}

} // namespace bench
