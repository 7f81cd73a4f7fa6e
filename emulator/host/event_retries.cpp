#include "event_retries.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

namespace lambda_emu {

namespace {

// Lambda retries what the function or its runtime did wrong: an error it returned, a timeout, a
// crash, a failed Init. An invocation interrupted because everything shuts down is not retried.
bool worth_retrying(core::InvokeOutcome outcome)
{
    switch (outcome) {
    case core::InvokeOutcome::FunctionError:
    case core::InvokeOutcome::Timeout:
    case core::InvokeOutcome::RuntimeExit:
    case core::InvokeOutcome::InitFailure:
    case core::InvokeOutcome::ExtensionFailure: return true;
    case core::InvokeOutcome::Success:
    case core::InvokeOutcome::Interrupted: return false;
    }
    return false;
}

std::string in_words(core::Millis delay)
{
    if (delay.count() >= 1000 && delay.count() % 1000 == 0) return std::to_string(delay.count() / 1000) + " s";
    return std::to_string(delay.count()) + " ms";
}

} // namespace

EventRetries::EventRetries(boost::asio::io_context& io, invoke::InvocationTarget& target, EventRetrySettings settings,
                           std::function<void(const std::string&)> say)
    : io_{io}, target_{target}, settings_{settings}, say_{std::move(say)}
{
}

EventRetries::~EventRetries()
{
    for (auto& pending : pending_) pending.timer.cancel();
}

invoke::Admission EventRetries::submit(invoke::Order order)
{
    if (order.source != "Event" || settings_.retries == 0) return target_.submit(std::move(order));
    return submit_attempt(std::move(order));
}

invoke::Admission EventRetries::submit_attempt(invoke::Order order)
{
    // The next attempt is this one again: the same event, sent the same way.
    invoke::Order next = order;
    auto caller_done = std::move(order.on_done);
    order.on_done = [this, alive = std::weak_ptr<int>{alive_}, next = std::move(next),
                     caller_done = std::move(caller_done)](const core::InvokeResult& result,
                                                           const std::string& log) mutable {
        if (caller_done) caller_done(result, log);
        if (!alive.expired()) attempt_ended(std::move(next), result);
    };
    return target_.submit(std::move(order));
}

void EventRetries::attempt_ended(invoke::Order next, const core::InvokeResult& result)
{
    if (!worth_retrying(result.outcome)) return;
    const int attempts = 1 + settings_.retries;
    const std::string what = "asynchronous invocation " + result.request_id + " failed" +
                             (result.error_type.empty() ? "" : " (" + result.error_type + ")") + " on attempt " +
                             std::to_string(next.attempt) + " of " + std::to_string(attempts);
    if (next.attempt >= attempts) {
        say_(what + ": the event is dropped, as Lambda drops it when no on-failure destination or dead-letter "
                    "queue takes it");
        return;
    }
    // Lambda waits a minute before the first retry and two before the second.
    const core::Millis delay = settings_.first_delay * next.attempt;
    say_(what + ": retried in " + in_words(delay) + ", as Lambda retries an asynchronous invocation");
    next.attempt += 1;
    next.request.request_id = result.request_id; // Lambda keeps it across the retries
    auto& pending = pending_.emplace_back(
        Pending{std::move(next), boost::asio::steady_timer{io_, delay}, std::chrono::steady_clock::now() + delay});
    auto at = std::prev(pending_.end());
    pending.timer.async_wait([this, at, alive = std::weak_ptr<int>{alive_}](boost::system::error_code ec) {
        if (ec || alive.expired()) return;
        send(at);
    });
}

void EventRetries::send(std::list<Pending>::iterator pending)
{
    invoke::Order order = std::move(pending->order);
    pending_.erase(pending);
    const std::string request_id = order.request.request_id;
    const int attempt = order.attempt;
    const auto admission = submit_attempt(std::move(order));
    if (admission == invoke::Admission::Accepted || admission == invoke::Admission::Queued) return;
    say_("asynchronous invocation " + request_id + ": attempt " + std::to_string(attempt) + " dropped: " +
         (admission == invoke::Admission::ShuttingDown ? "everything is shutting down"
          : admission == invoke::Admission::Busy       ? "no environment is free and the queue is full"
                                                       : "no environment could be started"));
}

void EventRetries::drop_pending()
{
    const auto now = std::chrono::steady_clock::now();
    for (auto& pending : pending_) {
        pending.timer.cancel();
        const auto left = std::chrono::duration_cast<core::Millis>(pending.due - now);
        say_("asynchronous invocation " + pending.order.request.request_id + ": attempt " +
             std::to_string(pending.order.attempt) + ", due in " + in_words(std::max(left, core::Millis{0})) +
             ", dropped: serve is shutting down");
    }
    pending_.clear();
}

} // namespace lambda_emu
