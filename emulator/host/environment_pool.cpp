#include "environment_pool.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace lambda_emu {

EnvironmentPool::EnvironmentPool(boost::asio::io_context& io, process::ChildReaper& reaper, core::Clock& clock,
                                 IdGenerator& ids, http::ListenerPorts& listeners, report::Console& console,
                                 PoolSettings settings, report::RunRecord seed)
    : io_{io}, reaper_{reaper}, clock_{clock}, ids_{ids},
      listeners_{listeners}, console_{console}, settings_{std::move(settings)}, seed_{std::move(seed)}
{
}

EnvironmentPool::~EnvironmentPool() = default;

std::size_t EnvironmentPool::busy() const
{
    // An environment shut down in the middle of an invocation is still running it.
    return static_cast<std::size_t>(
        std::count_if(live_.begin(), live_.end(), [](const auto& s) { return s->current.has_value(); }));
}

std::vector<EnvironmentPool::EnvironmentView> EnvironmentPool::environments() const
{
    std::vector<EnvironmentView> all;
    for (const auto& [id, reporter] : retired_) all.push_back({id, reporter.get()});
    for (const auto& slot : live_) all.push_back({slot->id, slot->reporter.get()});
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return all;
}

invoke::Admission EnvironmentPool::submit(invoke::Order order)
{
    if (closed_) return invoke::Admission::ShuttingDown;
    for (auto& slot : live_) {
        if (slot->state == SlotState::Idle) {
            start(*slot, std::move(order));
            return invoke::Admission::Accepted;
        }
    }
    if (live_.size() < settings_.concurrency) {
        Slot* slot = create_slot();
        if (!slot) return invoke::Admission::Unavailable;
        start(*slot, std::move(order));
        return invoke::Admission::Accepted;
    }
    if (!settings_.queue || queue_.size() >= kMaxQueued) return invoke::Admission::Busy;
    queue_.push_back(std::move(order));
    return invoke::Admission::Queued;
}

EnvironmentPool::Slot* EnvironmentPool::create_slot()
{
    auto slot = std::make_unique<Slot>(*this, io_);
    slot->id = ++next_id_;
    const std::string label = settings_.concurrency > 1 ? "#" + std::to_string(slot->id) : std::string{};
    slot->reporter = std::make_unique<EnvironmentReporter>(console_, clock_, seed_, label, &kept_invocations_);
    slot->reporter->capture_invocation_logs();
    Slot* raw = slot.get();
    std::string error;
    // The slot asks the reporter for the invocation's log: it observes after it.
    std::vector<core::LifecycleObserver*> observers{slot->reporter.get(), raw};
    // The reporter outlives the slot (it keeps the report), and survivors may still write.
    slot->host = EnvironmentHost::create(
        io_, reaper_, clock_, ids_, listeners_, settings_.host, std::move(observers),
        [reporter = slot->reporter.get()](const LineSource& source, std::string_view line) {
            reporter->process_line(source, line);
        },
        error);
    if (!slot->host) {
        console_.lifecycle("error: cannot start an execution environment: " + error);
        return nullptr;
    }
    slot->reporter->set_runtime_api(slot->host->runtime_api());
    console_.lifecycle("environment #" + std::to_string(slot->id) + ": cold start, Runtime API on " +
                       slot->host->runtime_api());
    live_.push_back(std::move(slot));
    raw->host->environment().start_init();
    return raw;
}

void EnvironmentPool::start(Slot& slot, invoke::Order order)
{
    slot.state = SlotState::Busy;
    slot.idle_timer.cancel();
    core::InvokeRequest request = std::move(order.request);
    const std::string source = order.source;
    const int attempt = order.attempt;
    slot.current = std::move(order);
    Slot* raw = &slot;
    slot.host->environment().invoke(std::move(request), [raw, source, attempt](core::InvokeResult result) {
        raw->reporter->record_result(result, source, attempt);
        if (!raw->current) return;
        if (raw->current->wants_log_tail) {
            raw->held_result = std::move(result); // answered with its log, once REPORT is written
        } else if (raw->current->on_done) {
            raw->current->on_done(result, {});
        }
    });
}

void EnvironmentPool::Slot::invocation_finished(const core::InvocationReport&)
{
    pool.on_invocation_finished(*this);
}

void EnvironmentPool::Slot::shutdown_finished(const core::ShutdownReport& report)
{
    if (report.final) pool.on_retired(*this);
}

void EnvironmentPool::on_invocation_finished(Slot& slot)
{
    if (slot.current && slot.current->wants_log_tail && slot.held_result && slot.current->on_done) {
        slot.current->on_done(*slot.held_result, slot.reporter->invocation_log());
    }
    slot.current.reset();
    slot.held_result.reset();
    if (slot.state == SlotState::BusyThenShutDown) {
        // Not from inside the core's call stack; by then it may have ended on its own (or been
        // told to shut down by the control endpoint).
        Slot* raw = &slot;
        boost::asio::post(io_, [this, raw] {
            const bool live = std::any_of(live_.begin(), live_.end(), [raw](const auto& s) { return s.get() == raw; });
            if (live && raw->state == SlotState::BusyThenShutDown) retire(*raw, raw->reason_after_invocation);
        });
    } else if (slot.state == SlotState::Busy) {
        slot.state = SlotState::Idle;
        arm_idle_timer(slot);
    }
    // Not from inside the core's call stack.
    boost::asio::post(io_, [this] { dispatch_queue(); });
}

void EnvironmentPool::dispatch_queue()
{
    while (!queue_.empty() && !closed_) {
        auto free = std::find_if(live_.begin(), live_.end(), [](const auto& s) { return s->state == SlotState::Idle; });
        Slot* slot = free != live_.end() ? free->get() : nullptr;
        if (!slot && live_.size() < settings_.concurrency) slot = create_slot();
        if (!slot) return;
        auto order = std::move(queue_.front());
        queue_.pop_front();
        start(*slot, std::move(order));
    }
}

void EnvironmentPool::arm_idle_timer(Slot& slot)
{
    if (!settings_.idle_shutdown) return;
    slot.idle_timer.expires_after(*settings_.idle_shutdown);
    Slot* raw = &slot;
    slot.idle_timer.async_wait([this, raw](const boost::system::error_code& ec) {
        if (ec || raw->state != SlotState::Idle) return;
        console_.lifecycle("environment #" + std::to_string(raw->id) + ": idle for " +
                           std::to_string(settings_.idle_shutdown->count()) + " ms, spinning down");
        retire(*raw, core::ShutdownReason::Spindown);
    });
}

void EnvironmentPool::retire(Slot& slot, core::ShutdownReason reason)
{
    if (slot.state == SlotState::ShuttingDown) return;
    slot.state = SlotState::ShuttingDown;
    slot.idle_timer.cancel();
    slot.host->environment().shutdown(reason);
}

void EnvironmentPool::on_retired(Slot& slot)
{
    const int id = slot.id;
    auto found = std::find_if(live_.begin(), live_.end(), [&](const auto& s) { return s.get() == &slot; });
    if (found == live_.end()) return;
    std::unique_ptr<Slot> owned = std::move(*found);
    live_.erase(found);
    retired_.emplace_back(id, std::move(owned->reporter));
    // We are inside this host's own call stack: let it go on a fresh turn of the loop.
    std::shared_ptr<Slot> doomed{owned.release()};
    boost::asio::post(io_, [doomed] {});
    for (auto it = shutdowns_.begin(); it != shutdowns_.end();) {
        it->waiting.erase(id);
        if (it->waiting.empty()) {
            auto done = std::move(it->done);
            it = shutdowns_.erase(it);
            boost::asio::post(io_, [done] { done(true); });
        } else {
            ++it;
        }
    }
    boost::asio::post(io_, [this] { dispatch_queue(); });
}

void EnvironmentPool::shut_down(std::optional<int> environment, core::ShutdownReason reason, AfterShutdown after,
                                std::function<void(bool)> done)
{
    std::vector<Slot*> targets;
    for (auto& slot : live_) {
        if (!environment || slot->id == *environment) targets.push_back(slot.get());
    }
    if (environment && targets.empty()) {
        done(false);
        return;
    }
    if (after == AfterShutdown::StopServing) {
        closed_ = true;
        auto dropped = std::move(queue_);
        queue_.clear();
        for (auto& order : dropped) {
            if (order.on_dropped) order.on_dropped();
        }
    }
    PendingShutdown pending{{}, std::move(done)};
    for (Slot* slot : targets) pending.waiting.insert(slot->id);
    if (pending.waiting.empty()) {
        auto finished = std::move(pending.done);
        boost::asio::post(io_, [finished] { finished(true); });
        return;
    }
    shutdowns_.push_back(std::move(pending));
    for (Slot* slot : targets) {
        if (slot->state == SlotState::ShuttingDown) continue; // already spinning down: its end counts all the same
        retire(*slot, reason);
    }
}

std::size_t EnvironmentPool::recycle(core::ShutdownReason reason)
{
    std::size_t told = 0;
    std::vector<Slot*> idle;
    for (auto& slot : live_) {
        if (slot->state == SlotState::Idle) idle.push_back(slot.get());
        if (slot->state == SlotState::Busy) {
            slot->state = SlotState::BusyThenShutDown;
            slot->reason_after_invocation = reason;
        }
        if (slot->state != SlotState::ShuttingDown) ++told;
    }
    // Retired after the loop: a retirement may end within the call and change live_.
    for (Slot* slot : idle) retire(*slot, reason);
    return told;
}

void EnvironmentPool::kill_now()
{
    for (auto& slot : live_) slot->host->environment().kill_now();
}

} // namespace lambda_emu
