#include "junit.hpp"

#include "markup.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
#include <vector>

namespace lambda_emu::report {

namespace {

std::string seconds(double ms)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", ms / 1000.0);
    return text;
}

struct TestCase {
    std::string classname;
    std::string name;
    double duration_ms = 0;
    std::string failure; // empty: passed
};

// The invocations not kept in full, as one case: it fails if any of them did, so CI sees every
// failure even when the record of it is gone (their counts come from the summary).
TestCase not_kept_case(const RunRecord& record)
{
    std::map<std::string, std::uint64_t> outcomes = record.invocation_summary.by_outcome;
    double kept_ms = 0;
    for (const auto& invocation : record.invocations) {
        --outcomes[invocation.outcome ? to_string(*invocation.outcome) : "none"];
        kept_ms += invocation.report.duration_ms;
    }
    const auto first_kept = record.invocations_not_kept + 1;
    TestCase test{record.function.name + ".invoke",
                  "invocations 1-" + std::to_string(record.invocations_not_kept) +
                      " (not kept in full; only the last " + std::to_string(record.invocations.size()) + ", from " +
                      std::to_string(first_kept) + ", are)",
                  record.invocation_summary.total_duration_ms - kept_ms,
                  {}};
    std::string failed;
    for (const auto& [outcome, count] : outcomes) {
        if (outcome == "success" || outcome == "none" || count == 0) continue; // as for kept ones
        failed += (failed.empty() ? "" : ", ") + std::to_string(count) + " " + outcome;
    }
    if (!failed.empty()) test.failure = failed;
    return test;
}

} // namespace

namespace {

std::string testsuite(const RunRecord& record, std::size_t index)
{
    std::vector<TestCase> cases;
    if (record.invocations_not_kept > 0) cases.push_back(not_kept_case(record));
    for (std::size_t i = 0; i < record.invocations.size(); ++i) {
        const auto& invocation = record.invocations[i];
        const auto number = record.invocations_not_kept + i + 1;
        TestCase test{record.function.name + ".invoke",
                      "invocation " + std::to_string(number) + " (" + invocation.source + ") " +
                          invocation.report.request_id,
                      invocation.report.duration_ms,
                      {}};
        if (invocation.outcome && *invocation.outcome != core::InvokeOutcome::Success) {
            test.failure = std::string{to_string(*invocation.outcome)} + ": " + invocation.error_type;
        }
        cases.push_back(std::move(test));
    }
    for (const auto& shutdown : record.shutdowns) {
        for (const auto& process : shutdown.processes) {
            if (process.exited_before_shutdown) continue;
            TestCase test{record.function.name + ".shutdown",
                          process.name + " cleanup (" + core::to_string(shutdown.reason) +
                              (shutdown.final ? "" : ", reset") + ")",
                          core::cleanup_duration_ms(process).value_or(0),
                          {}};
            if (process.verdict == core::Verdict::Killed || process.verdict == core::Verdict::Crashed) {
                test.failure = std::string{core::to_string(process.verdict)} + ": " + process.name +
                               (process.exit_status ? " (" + process.exit_status->describe() + ")" : std::string{});
                // What the kill means, from the evidence: a finished cleanup or one cut short.
                if (process.verdict == core::Verdict::Killed)
                    test.failure += ": " + core::killed_diagnostic(shutdown, process);
            }
            cases.push_back(std::move(test));
        }
    }
    std::size_t failures = 0;
    double total_ms = 0;
    for (const auto& test : cases) {
        failures += test.failure.empty() ? 0 : 1;
        total_ms += test.duration_ms;
    }
    std::string xml = "  <testsuite name=\"lambda-emu " + markup_text(record.function.name) +
                      (index > 0 ? " #" + std::to_string(index) : std::string{}) + "\" tests=\"" +
                      std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures) +
                      "\" errors=\"0\" time=\"" + seconds(total_ms) + "\">\n";
    for (const auto& test : cases) {
        xml += "    <testcase classname=\"" + markup_text(test.classname) + "\" name=\"" + markup_text(test.name) +
               "\" time=\"" + seconds(test.duration_ms) + "\"";
        if (test.failure.empty()) {
            xml += "/>\n";
        } else {
            xml += ">\n      <failure message=\"" + markup_text(test.failure) + "\"/>\n    </testcase>\n";
        }
    }
    xml += "  </testsuite>\n";
    return xml;
}

} // namespace

std::string junit_report(const RunRecord& record)
{
    return junit_report(std::vector<const RunRecord*>{&record});
}

std::string junit_report(const std::vector<const RunRecord*>& records)
{
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
    for (std::size_t i = 0; i < records.size(); ++i) xml += testsuite(*records[i], records.size() > 1 ? i + 1 : 0);
    xml += "</testsuites>\n";
    return xml;
}

} // namespace lambda_emu::report
