// Lambda's numbers measured (docs/lambda-numbers.md), each figure beside its floor measured in
// the same run. Figures, not tests: nothing here asserts a time. Needs a machine where cgroups can
// be made (root on cgroup v1, or a delegated cgroup v2).
//   cgroup_bench [--seconds 2] [--trials 200] [--json FILE]
//
// - CPU received over requested at 128, 512, 1,769 and 3,008 MB: a process in an environment's
//   cgroup with Lambda's quota runs as many busy threads as the quota has CPUs (rounded up) for
//   --seconds; received is the cgroup's own CPU count over wall time. Floor: the same process in a
//   cgroup without quota, over the same request: what the machine could give it (its cores bound it).
// - Making and removing an environment's cgroup (every hierarchy, every limit set). Floor: mkdir
//   and rmdir of the same groups with nothing set.
// - Freezing and thawing an environment (what each invocation's freeze costs the emulator). Floor:
//   SIGSTOP and SIGCONT to the same process.
// - SIGKILL sent minus its deadline by the deadline thread (process/deadline_kill.hpp), for a
//   sleeping process, on a quiet machine and with every core kept busy by unthrottled processes.
//   Floor: an ordinary thread's wake-up from an absolute sleep to the same deadlines.
#include "figure_table.hpp"
#include "core/cpu_allocation.hpp"
#include "process/cgroup_site.hpp"
#include "process/deadline_kill.hpp"
#include "process/environment_cgroup.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace lambda_emu;
using Clock = std::chrono::steady_clock;

[[noreturn]] void busy_loop()
{
    for (std::atomic<unsigned long> turns{0};;) turns.fetch_add(1, std::memory_order_relaxed);
}

// A child that joins `cgroup` (if any) and runs `threads` busy loops until killed, or sleeps.
pid_t start_child(const process::EnvironmentCgroup* cgroup, int threads)
{
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    if (cgroup) {
        for (const int procs : cgroup->join_descriptors()) {
            if (::write(procs, "0", 1) != 1) ::_exit(1);
        }
    }
    if (threads == 0) {
        for (;;) ::pause();
    }
    for (int i = 1; i < threads; ++i) std::thread{busy_loop}.detach();
    busy_loop();
}

void stop_child(pid_t pid)
{
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

// CPU per wall time, in CPUs, of `threads` busy loops in a fresh cgroup with `cpus` of quota (0: none).
double cpus_received(const process::CgroupSite& site, int memory, double cpus, int threads, double seconds)
{
    std::string error;
    process::CgroupLimits limits;
    limits.memory_mb = memory;
    limits.cpus = cpus;
    auto cgroup =
        process::EnvironmentCgroup::create(site, "lambda-emu-" + std::to_string(::getpid()) + "-bench", limits, error);
    if (!cgroup) throw std::runtime_error{error};
    const auto started = Clock::now();
    const pid_t busy = start_child(cgroup.get(), threads);
    std::this_thread::sleep_for(std::chrono::duration<double>{seconds});
    const double used_ms = cgroup->cpu_used_ms();
    const double wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    stop_child(busy);
    return used_ms / wall_ms;
}

void measure_cpu(const process::CgroupSite& site, double seconds, bench::FigureTable& table)
{
    for (const int memory : {128, 512, 1769, 3008}) {
        const double requested = core::lambda_vcpus(memory);
        const int threads = static_cast<int>(std::ceil(requested));
        // The floor: the same process, counted the same way, with no quota.
        const double received = cpus_received(site, memory, requested, threads, seconds);
        const double unthrottled = cpus_received(site, memory, 0, threads, seconds);
        char name[96];
        std::snprintf(name, sizeof name, "CPU received / requested at %d MB (%.3f vCPU)", memory, requested);
        table.add(name, received / requested, unthrottled / requested);
    }
}

void measure_make_and_remove(const process::CgroupSite& site, long trials, bench::FigureTable& table)
{
    const std::string name = "lambda-emu-" + std::to_string(::getpid()) + "-bench";
    std::vector<double> made_us;
    for (long i = 0; i < trials; ++i) {
        std::string error;
        const auto started = Clock::now();
        auto cgroup = process::EnvironmentCgroup::create(site, name, process::CgroupLimits{}, error);
        if (!cgroup) throw std::runtime_error{error};
        cgroup.reset();
        made_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
    }
    // The same groups EnvironmentCgroup makes (v2's freezer beside v1's controllers on a hybrid host).
    std::vector<std::filesystem::path> parents{site.cpu, site.cpuacct, site.memory, site.pids,
                                               site.freezes_with_v2() ? site.unified : site.freezer};
    if (site.version == process::CgroupVersion::V2) parents = {site.unified};
    std::vector<double> bare_us;
    for (long i = 0; i < trials; ++i) {
        const auto started = Clock::now();
        for (const auto& parent : parents) ::mkdir((parent / name).c_str(), 0755);
        for (const auto& parent : parents) ::rmdir((parent / name).c_str());
        bare_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
    }
    table.add("an environment's cgroup made and removed, us (median)", bench::median(made_us), bench::median(bare_us));
}

// What the freeze between two invocations costs the emulator: a freeze and a thaw of an
// environment holding one sleeping process, beside SIGSTOP and SIGCONT to the same process (the
// fallback's per-group cost).
void measure_freeze(const process::CgroupSite& site, long trials, bench::FigureTable& table)
{
    std::string error;
    auto cgroup = process::EnvironmentCgroup::create(site, "lambda-emu-" + std::to_string(::getpid()) + "-bench",
                                                     process::CgroupLimits{}, error);
    if (!cgroup) throw std::runtime_error{error};
    const pid_t sleeper = start_child(cgroup.get(), 0);
    const auto timed_us = [&](const auto& pair) {
        std::vector<double> us;
        for (long i = 0; i < trials * 10; ++i) {
            const auto started = Clock::now();
            pair();
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
        }
        return bench::median(us);
    };
    const double cgroup_us = timed_us([&] {
        cgroup->freeze();
        cgroup->thaw();
    });
    const double signals_us = timed_us([&] {
        ::kill(sleeper, SIGSTOP);
        ::kill(sleeper, SIGCONT);
    });
    stop_child(sleeper);
    table.add("an environment frozen and thawed, us (median)", cgroup_us, signals_us);
}

// Lateness of a deadline thread's SIGKILL, and of a plain thread's wake-up, to the same deadlines.
void measure_kill_lateness(long trials, const char* condition, bench::FigureTable& table)
{
    std::vector<double> kill_late_us;
    std::vector<double> wake_late_us;
    for (long i = 0; i < trials; ++i) {
        const pid_t sleeper = start_child(nullptr, 0);
        ::setpgid(sleeper, sleeper);
        const auto deadline = Clock::now() + std::chrono::milliseconds{10};
        process::DeadlineKill kill{sleeper, deadline};
        // The floor, to a deadline of its own just as far ahead.
        const auto plain_deadline = Clock::now() + std::chrono::milliseconds{10};
        double plain_late = 0;
        std::thread plain{[&] {
            const auto since_epoch = plain_deadline.time_since_epoch();
            const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
            const timespec at{static_cast<time_t>(seconds.count()),
                              static_cast<long>(std::chrono::nanoseconds{since_epoch - seconds}.count())};
            while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {}
            plain_late = std::chrono::duration<double, std::micro>(Clock::now() - plain_deadline).count();
        }};
        plain.join();
        int status = 0;
        ::waitpid(sleeper, &status, 0);
        const auto sent = kill.call_off();
        if (sent) kill_late_us.push_back(std::chrono::duration<double, std::micro>(*sent - deadline).count());
        wake_late_us.push_back(plain_late);
    }
    for (const auto& [label, p] : {std::pair{"p50", 0.5}, std::pair{"p99", 0.99}, std::pair{"max", 1.0}}) {
        table.add(std::string{"SIGKILL sent minus its deadline, "} + condition + ", " + label + " us",
                  bench::percentile(kill_late_us, p), bench::percentile(wake_late_us, p));
    }
}

} // namespace

int main(int argc, char** argv)
{
    double seconds = 2;
    long trials = 200;
    std::string json_path;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--seconds") seconds = std::stod(argv[i + 1]);
        else if (option == "--trials") trials = std::stol(argv[i + 1]);
        else if (option == "--json") json_path = argv[i + 1];
    }
    const auto found = process::find_cgroup_site();
    if (!found.site) {
        std::fprintf(stderr, "cgroup_bench: no cgroup can be made here: %s\n", found.why_not.c_str());
        return 1;
    }
    bench::FigureTable table;
    try {
        measure_cpu(*found.site, seconds, table);
        measure_make_and_remove(*found.site, trials, table);
        measure_freeze(*found.site, trials, table);
        measure_kill_lateness(trials, "quiet", table);
        std::vector<pid_t> hogs;
        for (unsigned i = 0; i < std::max(1U, std::thread::hardware_concurrency()); ++i)
            hogs.push_back(start_child(nullptr, 1));
        measure_kill_lateness(trials, "every core busy", table);
        for (const pid_t hog : hogs) stop_child(hog);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "cgroup_bench: %s\n", error.what());
        return 1;
    }
    std::printf("lambda-emu's cgroups (%s) and deadline thread\n", process::to_string(found.site->version));
    table.print(stdout);
    std::printf("Floors, measured in the same run: CPU, the same busy process unthrottled (what the machine "
                "gives that many threads); cgroup, mkdir and rmdir of the same groups with nothing set; freeze, "
                "SIGSTOP and SIGCONT to the same process; SIGKILL, "
                "an ordinary thread's wake-up from an absolute sleep to the same deadline.\n");
    if (!json_path.empty())
        std::ofstream{json_path} << nlohmann::ordered_json{{"figures", table.json()}}.dump(2) << '\n';
    return 0;
}
