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
        std::count_if(live_.begin(), live_.end(), [](const auto& s) { return !s->idle(); }));
}

std::vector<EnvironmentPool::EnvironmentView> EnvironmentPool::environments() const
{
    std::vector<EnvironmentView> all;
    for (const auto& retired : retired_) all.push_back({retired.id, retired.reporter.get(), retired.tenant});
    for (const auto& slot : live_) all.push_back({slot->id, slot->reporter.get(), slot->tenant});
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return all;
}

invoke::Admission EnvironmentPool::submit(invoke::Order order)
{
    if (closed_) return invoke::Admission::ShuttingDown;
    Slot* slot = slot_with_room_for(order);
    if (!slot) slot = new_slot_for(order);
    if (slot) {
        start(*slot, std::move(order));
        return invoke::Admission::Accepted;
    }
    if (live_.size() < settings_.concurrency) return invoke::Admission::Unavailable; // it could not be started
    if (!settings_.queue || queue_.size() >= kMaxQueued) return invoke::Admission::Busy;
    queue_.push_back(std::move(order));
    return invoke::Admission::Queued;
}

EnvironmentPool::Slot* EnvironmentPool::slot_with_room_for(const invoke::Order& order)
{
    // The busiest with room first: Managed Instances fill an environment before starting another.
    Slot* best = nullptr;
    for (auto& slot : live_) {
        if (slot->state != SlotState::Serving || slot->tenant != order.request.tenant_id) continue;
        if (!slot->host->environment().takes_another_invocation()) continue;
        if (!best || slot->running.size() > best->running.size()) best = slot.get();
    }
    return best;
}

EnvironmentPool::Slot* EnvironmentPool::new_slot_for(const invoke::Order& order)
{
    if (live_.size() < settings_.concurrency) return create_slot(order.request.tenant_id);
    // Tenant isolation: an idle environment of another tenant gives way, as Lambda counts only
    // busy environments against concurrency. The order is queued and placed once it is gone.
    for (auto& slot : live_) {
        if (slot->state == SlotState::Serving && slot->idle() && slot->tenant != order.request.tenant_id) {
            retire(*slot, core::ShutdownReason::Spindown);
            break;
        }
    }
    return nullptr;
}

EnvironmentPool::Slot* EnvironmentPool::create_slot(const std::string& tenant)
{
    auto slot = std::make_unique<Slot>(*this, io_);
    slot->id = ++next_id_;
    slot->tenant = tenant;
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
    console_.lifecycle("environment #" + std::to_string(slot->id) + ": cold start" +
                       (tenant.empty() ? std::string{} : " for tenant " + tenant) + ", Runtime API on " +
                       slot->host->runtime_api());
    live_.push_back(std::move(slot));
    raw->host->environment().start_init();
    return raw;
}

void EnvironmentPool::start(Slot& slot, invoke::Order order)
{
    slot.idle_timer.cancel();
    core::InvokeRequest request = std::move(order.request);
    // Named here, not by the environment, so that its answer finds its order.
    if (request.request_id.empty()) request.request_id = ids_.uuid();
    const std::string request_id = request.request_id;
    const std::string source = order.source;
    const int attempt = order.attempt;
    slot.running[request_id] = Running{std::move(order), std::nullopt};
    Slot* raw = &slot;
    slot.host->environment().invoke(std::move(request), [raw, source, attempt, request_id](core::InvokeResult result) {
        raw->reporter->record_result(result, source, attempt);
        auto running = raw->running.find(request_id);
        if (running == raw->running.end()) return;
        if (running->second.order.wants_log_tail) {
            running->second.held_result = std::move(result); // answered with its log, once REPORT is written
        } else if (running->second.order.on_done) {
            running->second.order.on_done(result, {});
        }
    });
}

void EnvironmentPool::Slot::invocation_finished(const core::InvocationReport& report)
{
    pool.on_invocation_finished(*this, report.request_id);
}

void EnvironmentPool::Slot::shutdown_finished(const core::ShutdownReport& report)
{
    if (report.final) pool.on_retired(*this);
}

void EnvironmentPool::on_invocation_finished(Slot& slot, const std::string& request_id)
{
    if (auto finished = slot.running.find(request_id); finished != slot.running.end()) {
        auto& [order, held_result] = finished->second;
        if (order.wants_log_tail && held_result && order.on_done) {
            order.on_done(*held_result, slot.reporter->invocation_log());
        }
        slot.running.erase(finished);
    }
    if (slot.state == SlotState::DrainThenShutDown && slot.idle()) {
        // Not from inside the core's call stack; by then it may have ended on its own (or been
        // told to shut down by the control endpoint).
        Slot* raw = &slot;
        boost::asio::post(io_, [this, raw] {
            const bool live = std::any_of(live_.begin(), live_.end(), [raw](const auto& s) { return s.get() == raw; });
            if (live && raw->state == SlotState::DrainThenShutDown) retire(*raw, raw->reason_after_invocation);
        });
    } else if (slot.state == SlotState::Serving && slot.idle()) {
        arm_idle_timer(slot);
    }
    // Not from inside the core's call stack.
    boost::asio::post(io_, [this] { dispatch_queue(); });
}

void EnvironmentPool::dispatch_queue()
{
    // In arrival order; with tenant isolation an order whose tenant has no room yet lets later
    // orders of other tenants go first.
    for (auto order = queue_.begin(); order != queue_.end() && !closed_;) {
        Slot* slot = slot_with_room_for(*order);
        if (!slot) slot = new_slot_for(*order);
        if (!slot) {
            if (!settings_.host.function.tenant_isolation) return;
            ++order;
            continue;
        }
        auto taken = std::move(*order);
        order = queue_.erase(order);
        start(*slot, std::move(taken));
    }
}

void EnvironmentPool::arm_idle_timer(Slot& slot)
{
    if (!settings_.idle_shutdown) return;
    slot.idle_timer.expires_after(*settings_.idle_shutdown);
    Slot* raw = &slot;
    slot.idle_timer.async_wait([this, raw](const boost::system::error_code& ec) {
        if (ec || raw->state != SlotState::Serving || !raw->idle()) return;
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
    retired_.push_back({id, std::move(owned->reporter), owned->tenant});
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
        if (slot->state == SlotState::Serving && slot->idle()) idle.push_back(slot.get());
        if (slot->state == SlotState::Serving && !slot->idle()) {
            slot->state = SlotState::DrainThenShutDown;
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
