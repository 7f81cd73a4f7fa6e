#include "run_record.hpp"

#include <algorithm>

namespace lambda_emu::report {

void InvocationSummary::add(const InvocationRecord& invocation)
{
    const double duration = invocation.report.duration_ms;
    min_duration_ms = count == 0 ? duration : std::min(min_duration_ms, duration);
    max_duration_ms = count == 0 ? duration : std::max(max_duration_ms, duration);
    total_duration_ms += duration;
    ++count;
    ++by_outcome[invocation.outcome ? to_string(*invocation.outcome) : "none"];
}

void InvocationBudget::add(RunRecord& record, InvocationRecord invocation)
{
    record.invocation_summary.add(invocation);
    record.invocations.push_back(std::move(invocation));
    order_.push_back(&record);
    if (order_.size() <= limit_) return;
    RunRecord& oldest = *order_.front();
    order_.pop_front();
    oldest.invocations.pop_front();
    ++oldest.invocations_not_kept;
    // A deque keeps the index of every block it ever used (8 KB or more after 1,000 entries): a
    // spun-down environment whose entries are all gone lets it go too.
    if (oldest.invocations.empty()) std::deque<InvocationRecord>{}.swap(oldest.invocations);
}

} // namespace lambda_emu::report
