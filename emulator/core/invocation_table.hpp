#pragma once
// The invocations an environment holds, by request id: on demand one at a time, under Lambda
// Managed Instances up to the function's maximum concurrency, each with its own stage, caller
// and deadline. Beside them, the runtime's parked `/next` polls, first come first served.
#include "environment_state.hpp"

#include <cstddef>
#include <deque>
#include <list>
#include <optional>
#include <string_view>
#include <vector>

namespace lambda_emu::core {

class InvocationTable {
public:
    explicit InvocationTable(std::size_t capacity) : capacity_{capacity < 1 ? 1 : capacity} {}

    std::size_t capacity() const { return capacity_; }
    std::size_t size() const { return active_.size(); }
    bool empty() const { return active_.empty(); }
    bool full() const { return active_.size() >= capacity_; }

    ActiveInvocation& add(ActiveInvocation invocation);
    ActiveInvocation* find(std::string_view request_id);
    const ActiveInvocation* find(std::string_view request_id) const;
    // Removes it and hands it over (the caller closes it).
    ActiveInvocation take(std::string_view request_id);

    // The oldest, which on demand is the only one.
    ActiveInvocation* first() { return active_.empty() ? nullptr : &active_.front(); }
    const ActiveInvocation* first() const { return active_.empty() ? nullptr : &active_.front(); }
    // The oldest whose clock runs and that no runtime poll has taken yet.
    ActiveInvocation* first_waiting_for_runtime();
    // Request ids in arrival order: a stable list to walk while invocations close.
    std::vector<std::string> request_ids() const;
    std::vector<std::string> request_ids_in_stage_held() const;
    // The earliest deadline of a running invocation, for the one timer that keeps them all.
    std::optional<SteadyTime> earliest_deadline() const;

    auto begin() { return active_.begin(); }
    auto end() { return active_.end(); }
    auto begin() const { return active_.begin(); }
    auto end() const { return active_.end(); }

private:
    std::list<ActiveInvocation>::iterator position(std::string_view request_id);

    std::size_t capacity_;
    // Arrival order matters (the oldest is delivered first), a table holds at most a few dozen,
    // and an entry must stay put while others come and go: the one being answered is held by
    // reference across the callbacks that answer it. A list searched by id.
    std::list<ActiveInvocation> active_;
};

// The runtime's `/next` polls that wait for an invocation. On demand a second poll replaces the
// first (RAPID keeps one); with several allowed, the oldest gives way once the queue is full.
class ParkedPolls {
public:
    explicit ParkedPolls(std::size_t capacity) : capacity_{capacity < 1 ? 1 : capacity} {}

    void park(NextHandler poll);
    // The oldest parked poll, taken out of the queue; empty when none waits.
    NextHandler take();
    bool empty() const { return polls_.empty(); }
    std::size_t size() const { return polls_.size(); }
    void clear() { polls_.clear(); }

private:
    std::size_t capacity_;
    std::deque<NextHandler> polls_;
};

} // namespace lambda_emu::core
