#pragma once
// `serve`'s execution environments: up to N, each with its own runtime, extensions, Runtime API
// listener and report; created on demand (a cold start), reused warm; each takes one invocation
// at a time (Managed Instances: up to its maximum concurrency, filled before another starts);
// with tenant isolation each serves one tenant only. Invocations beyond them wait in a queue (or
// get 429 with --no-queue); idle ones spin down.
#include "core/clock.hpp"
#include "environment_host.hpp"
#include "environment_reporter.hpp"
#include "ids.hpp"
#include "invoke/invocation_target.hpp"
#include "process/child_reaper.hpp"
#include "report/console.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace lambda_emu {

struct PoolSettings {
    HostOptions host;
    std::size_t concurrency = 1;
    std::optional<core::Millis> idle_shutdown;
    bool queue = true;
};

class EnvironmentPool final : public invoke::InvocationTarget {
public:
    // Bounds the queue: past this, callers get 429 even when queueing.
    static constexpr std::size_t kMaxQueued = 10000;

    EnvironmentPool(boost::asio::io_context& io, process::ChildReaper& reaper, core::Clock& clock, IdGenerator& ids,
                    http::ListenerPorts& listeners, report::Console& console, PoolSettings settings,
                    report::RunRecord seed);
    ~EnvironmentPool() override;

    invoke::Admission submit(invoke::Order order) override;
    const core::FunctionConfig& function() const override { return settings_.host.function; }
    // What every environment's report starts from.
    const report::RunRecord& seed() const { return seed_; }

    // Whether the function still takes invocations once every environment is shut down: not when
    // serve ends; yes when a test shuts one function's environments down to read their Shutdown
    // phase (the next invocation is a cold start).
    enum class AfterShutdown { StopServing, KeepServing };
    // Spins down every environment, or the one with this id, with this reason; `done(found)` once
    // their Shutdown phases have ended. Stopping to serve drops the queue.
    void shut_down(std::optional<int> environment, core::ShutdownReason reason, AfterShutdown after,
                   std::function<void(bool found)> done);
    void kill_now();
    // The function's code changed (serve --watch): every environment shuts down with `reason`,
    // an idle one now, a busy one once its invocation is finished (none is cut short, and it
    // takes no other); the next invocation starts a new one, which initialises the new code.
    // Environments shutting down still count against --concurrency until their Shutdown phase
    // has ended, so there are never more than N. Returns how many were told to shut down.
    std::size_t recycle(core::ShutdownReason reason);
    // The environments started from now on start from these (the layers staged again).
    const HostOptions& host_options() const { return settings_.host; }
    void use_host_options(HostOptions host) { settings_.host = std::move(host); }

    struct EnvironmentView {
        int id;
        const EnvironmentReporter* reporter;
        std::string tenant; // with tenant isolation, the one tenant it served
    };
    // Every environment this pool ran, the spun-down ones too, by id.
    std::vector<EnvironmentView> environments() const;
    std::size_t running() const { return live_.size(); }
    std::size_t busy() const;
    std::size_t queued() const { return queue_.size(); }

private:
    enum class SlotState {
        Serving,           // takes invocations while its environment has room (idle when it runs none)
        DrainThenShutDown, // finishes what it runs, takes no other, then shuts down (recycled)
        ShuttingDown,      // its Shutdown phase is under way
    };
    // An invocation the slot runs: the order's on_done and tail wish, and a Tail caller's answer
    // held until the log is complete.
    struct Running {
        invoke::Order order;
        std::optional<core::InvokeResult> held_result;
    };
    // One environment and what the pool knows of it. It observes its environment after the
    // reporter: the invocation's log is complete by then.
    struct Slot final : core::LifecycleObserver {
        Slot(EnvironmentPool& pool, boost::asio::io_context& io) : pool{pool}, idle_timer{io} {}
        void invocation_finished(const core::InvocationReport& report) override;
        void shutdown_finished(const core::ShutdownReport& report) override;

        EnvironmentPool& pool;
        int id = 0;
        std::unique_ptr<EnvironmentReporter> reporter;
        std::unique_ptr<EnvironmentHost> host;
        SlotState state = SlotState::Serving;
        core::ShutdownReason reason_after_invocation = core::ShutdownReason::Spindown; // DrainThenShutDown's
        std::map<std::string, Running> running;                                        // by request id
        std::string tenant; // tenant isolation: the tenant it serves, from its first invocation
        boost::asio::steady_timer idle_timer;

        bool idle() const { return running.empty(); }
    };
    struct PendingShutdown {
        std::set<int> waiting;
        std::function<void(bool)> done;
    };

    Slot* create_slot(const std::string& tenant);
    // A live environment that takes this order now (its tenant's, with room), if any.
    Slot* slot_with_room_for(const invoke::Order& order);
    // A new environment for it, if --concurrency allows one; with tenant isolation an idle
    // environment of another tenant makes way (it spins down, and the order waits for that).
    Slot* new_slot_for(const invoke::Order& order);
    void start(Slot& slot, invoke::Order order);
    void on_invocation_finished(Slot& slot, const std::string& request_id);
    void dispatch_queue();
    void arm_idle_timer(Slot& slot);
    void retire(Slot& slot, core::ShutdownReason reason);
    void on_retired(Slot& slot);

    boost::asio::io_context& io_;
    process::ChildReaper& reaper_;
    core::Clock& clock_;
    IdGenerator& ids_;
    http::ListenerPorts& listeners_;
    report::Console& console_;
    PoolSettings settings_;
    report::RunRecord seed_;
    report::InvocationBudget kept_invocations_; // over every environment, spun-down ones too
    int next_id_ = 0;
    bool closed_ = false;
    std::vector<std::unique_ptr<Slot>> live_;
    struct Retired {
        int id;
        std::unique_ptr<EnvironmentReporter> reporter;
        std::string tenant;
    };
    std::vector<Retired> retired_;
    std::deque<invoke::Order> queue_;
    std::vector<PendingShutdown> shutdowns_;
};

} // namespace lambda_emu
