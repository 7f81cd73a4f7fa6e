// The bound on invocations kept in full: the oldest of the whole run goes first, whichever
// environment it belongs to, and the summary still counts every one.
#include "report/run_record.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;

namespace {

report::InvocationRecord invocation(const std::string& id, core::InvokeOutcome outcome, double duration_ms)
{
    report::InvocationRecord record;
    record.report.request_id = id;
    record.report.duration_ms = duration_ms;
    record.outcome = outcome;
    return record;
}

} // namespace

TEST_CASE("the budget lets the run's oldest invocation go, across environments")
{
    report::InvocationBudget budget{3};
    report::RunRecord first, second;
    budget.add(first, invocation("a", core::InvokeOutcome::Success, 1.0));
    budget.add(first, invocation("b", core::InvokeOutcome::FunctionError, 3.0));
    budget.add(second, invocation("c", core::InvokeOutcome::Success, 2.0));
    CHECK(first.invocations.size() == 2);
    CHECK(first.invocations_not_kept == 0);

    budget.add(second, invocation("d", core::InvokeOutcome::Timeout, 4.0));
    budget.add(second, invocation("e", core::InvokeOutcome::Success, 5.0));
    CHECK(first.invocations.empty());
    CHECK(first.invocations_not_kept == 2);
    REQUIRE(second.invocations.size() == 3);
    CHECK(second.invocations.front().report.request_id == "c");
    CHECK(second.invocations_not_kept == 0);

    // The summaries still cover everything.
    CHECK(first.invocation_summary.count == 2);
    CHECK(first.invocation_summary.by_outcome.at("function-error") == 1);
    CHECK(first.invocation_summary.min_duration_ms == 1.0);
    CHECK(first.invocation_summary.max_duration_ms == 3.0);
    CHECK(second.invocation_summary.count == 3);
    CHECK(second.invocation_summary.total_duration_ms == 11.0);
    CHECK(second.invocation_summary.by_outcome.at("timeout") == 1);
}
