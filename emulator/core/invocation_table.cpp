#include "invocation_table.hpp"

#include <algorithm>
#include <utility>

namespace lambda_emu::core {

ActiveInvocation& InvocationTable::add(ActiveInvocation invocation)
{
    return active_.emplace_back(std::move(invocation));
}

std::list<ActiveInvocation>::iterator InvocationTable::position(std::string_view request_id)
{
    return std::find_if(active_.begin(), active_.end(),
                        [&](const auto& active) { return active.invocation.request_id == request_id; });
}

ActiveInvocation* InvocationTable::find(std::string_view request_id)
{
    const auto found = position(request_id);
    return found == active_.end() ? nullptr : &*found;
}

const ActiveInvocation* InvocationTable::find(std::string_view request_id) const
{
    return const_cast<InvocationTable*>(this)->find(request_id);
}

ActiveInvocation InvocationTable::take(std::string_view request_id)
{
    const auto found = position(request_id);
    ActiveInvocation taken = std::move(*found);
    active_.erase(found);
    return taken;
}

ActiveInvocation* InvocationTable::first_waiting_for_runtime()
{
    for (auto& active : active_) {
        if (std::holds_alternative<invocation_stage::Started>(active.stage)) return &active;
    }
    return nullptr;
}

std::vector<std::string> InvocationTable::request_ids() const
{
    std::vector<std::string> ids;
    ids.reserve(active_.size());
    for (const auto& active : active_) ids.push_back(active.invocation.request_id);
    return ids;
}

std::vector<std::string> InvocationTable::request_ids_in_stage_held() const
{
    std::vector<std::string> ids;
    for (const auto& active : active_) {
        if (std::holds_alternative<invocation_stage::Held>(active.stage)) ids.push_back(active.invocation.request_id);
    }
    return ids;
}

std::optional<SteadyTime> InvocationTable::earliest_deadline() const
{
    std::optional<SteadyTime> earliest;
    for (const auto& active : active_) {
        if (active.deadline && (!earliest || *active.deadline < *earliest)) earliest = active.deadline;
    }
    return earliest;
}

void ParkedPolls::park(NextHandler poll)
{
    if (polls_.size() >= capacity_) polls_.pop_front();
    polls_.push_back(std::move(poll));
}

NextHandler ParkedPolls::take()
{
    if (polls_.empty()) return {};
    NextHandler oldest = std::move(polls_.front());
    polls_.pop_front();
    return oldest;
}

} // namespace lambda_emu::core
