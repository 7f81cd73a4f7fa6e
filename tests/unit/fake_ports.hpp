#pragma once
// Fakes for the core's ports: a clock the test moves by hand, timers that only record, a
// process table that only records, and an observer that keeps everything it is told.
#include "core/environment.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::testing {

class FakeClock final : public core::Clock {
public:
    core::SteadyTime now() const override { return now_; }
    core::WallTime to_wall(core::SteadyTime t) const override
    {
        return core::WallTime{} + std::chrono::hours{24 * 365 * 50} +
               std::chrono::duration_cast<core::WallTime::duration>(t.time_since_epoch());
    }
    void advance(core::Millis by) { now_ += by; }

private:
    core::SteadyTime now_{std::chrono::seconds{1000}};
};

class FakeTimers final : public core::TimerService {
public:
    void arm(core::TimerSlot slot, core::SteadyTime when) override { armed[slot] = when; }
    void cancel(core::TimerSlot slot) override { armed.erase(slot); }
    bool is_armed(core::TimerSlot slot) const { return armed.count(slot) != 0; }
    std::map<core::TimerSlot, core::SteadyTime> armed;
};

class FakeProcesses final : public core::ProcessControl {
public:
    core::SpawnOutcome start_runtime() override
    {
        ++starts;
        if (!spawn_error.empty()) return {false, 0, spawn_error};
        return {true, 100 + starts, {}};
    }
    void terminate_runtime() override
    {
        ++sigterms;
        journal.push_back(frozen ? "sigterm while frozen" : "sigterm");
    }
    void kill_runtime() override
    {
        ++sigkills;
        looks_and_kills.push_back("sigkill");
    }
    int runtime_peak_memory_mb() override { return 42; }
    int runtime_group_survivors() override
    {
        if (on_survivors_counted) on_survivors_counted();
        return survivors;
    }
    std::vector<core::LaunchedExtension> start_external_extensions() override
    {
        std::vector<core::LaunchedExtension> launched;
        for (const auto& name : external_extensions)
            launched.push_back({name, 500 + static_cast<int>(launched.size()), {}});
        return launched;
    }
    void kill_extension(const std::string& name) override { killed_extensions.push_back(name); }
    void track_descendants(bool) override { ++descendant_scans; }
    std::vector<core::EscapedProcess> kill_descendants() override { return std::move(escaped); }
    void freeze_environment() override
    {
        frozen = true;
        journal.push_back("freeze");
    }
    void thaw_environment() override
    {
        frozen = false;
        journal.push_back("thaw");
    }

    void arrange_kill(const core::ProcessIdentity& who, core::SteadyTime when) override { arranged[who.name] = when; }
    std::optional<core::SteadyTime> call_off_kill(const core::ProcessIdentity& who) override
    {
        const auto found = arranged.find(who.name);
        if (found == arranged.end()) return std::nullopt;
        const core::SteadyTime when = found->second;
        arranged.erase(found);
        if (!arranged_kills_fire) return std::nullopt;
        return when + arranged_kill_lateness;
    }

    std::optional<core::ProcessSample> look_at(const core::ProcessIdentity& who, bool fresh) override
    {
        looks_and_kills.push_back(std::string{fresh ? "fresh look at " : "look at "} + who.name);
        core::ProcessSample sample;
        sample.waiting_in = "look " + std::to_string(looks_and_kills.size());
        if (on_look) on_look();
        return sample;
    }

    bool frozen = false;
    // Kills arranged with the host, by process name, and whether the host sent them (at their
    // deadline plus this lateness) before the core called them off.
    std::map<std::string, core::SteadyTime> arranged;
    bool arranged_kills_fire = false;
    std::chrono::microseconds arranged_kill_lateness{0};
    std::vector<std::string> journal;         // freezes, thaws and SIGTERMs, in order
    std::vector<std::string> looks_and_kills; // looks at processes and the runtime's SIGKILLs, in order

    std::vector<std::string> external_extensions;
    std::vector<std::string> killed_extensions;
    int survivors = 0;
    std::function<void()> on_survivors_counted; // runs when the core asks for them
    std::function<void()> on_look;              // runs during each look (a slow one advances the clock)
    int descendant_scans = 0;
    std::vector<core::EscapedProcess> escaped; // handed to the next Shutdown phase's end
    std::string spawn_error;
    int starts = 0;
    int sigterms = 0;
    int sigkills = 0;
};

class RecordingObserver final : public core::LifecycleObserver {
public:
    void init_finished(const core::InitReport& report) override { inits.push_back(report); }
    void invocation_started(const core::Invocation& invocation) override { started.push_back(invocation.request_id); }
    void invocation_finished(const core::InvocationReport& report) override { finished.push_back(report); }
    void shutdown_finished(const core::ShutdownReport& report) override { shutdowns.push_back(report); }

    std::vector<core::InitReport> inits;
    std::vector<std::string> started;
    std::vector<core::InvocationReport> finished;
    std::vector<core::ShutdownReport> shutdowns;
};

// An environment wired to fakes, with helpers that play the runtime's part.
struct Harness {
    FakeClock clock;
    FakeTimers timers;
    FakeProcesses processes;
    RecordingObserver observer;
    int next_id = 0;
    core::FunctionConfig config = [] {
        core::FunctionConfig c;
        c.name = "fn";
        return c;
    }();
    core::DebugMode debug = core::DebugMode::Off;
    core::Environment environment{config, {}, debug, core::Ports{clock, processes, timers, observer, [this] {
                                                                     return "req-" + std::to_string(++next_id);
                                                                 }}};

    Harness() = default;
    explicit Harness(core::DebugMode mode) : debug{mode} {}
    explicit Harness(core::FunctionConfig function) : config{std::move(function)} {}

    std::vector<core::InvokeResult> results;
    std::vector<core::Invocation> delivered;

    core::RuntimeCallResult next()
    {
        return environment.runtime_next(
            [this](const core::Invocation& invocation) { delivered.push_back(invocation); });
    }
    void invoke(std::string payload = "{}")
    {
        core::InvokeRequest request;
        request.payload = core::make_payload(std::move(payload));
        environment.invoke(std::move(request),
                           [this](core::InvokeResult result) { results.push_back(std::move(result)); });
    }
    core::RuntimeCallResult respond(const std::string& id, std::string body = R"({"ok":true})")
    {
        core::RuntimeResponse response;
        response.body = core::make_payload(std::move(body));
        return environment.runtime_response(id, std::move(response));
    }
    // Init done, runtime parked on /next.
    void warm()
    {
        environment.start_init();
        next();
    }
    void fire(core::TimerSlot slot)
    {
        clock.advance(std::chrono::duration_cast<core::Millis>(timers.armed.at(slot) - clock.now()));
        timers.armed.erase(slot);
        environment.on_timer(slot);
    }
};

} // namespace lambda_emu::testing
