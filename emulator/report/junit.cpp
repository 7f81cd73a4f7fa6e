#include "junit.hpp"

#include "markup.hpp"

#include <cstdio>

namespace lambda_emu::report {

namespace {

std::string seconds(double ms)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", ms / 1000.0);
    return text;
}

std::string attribute(const char* name, const std::string& value)
{
    return std::string{" "} + name + "=\"" + markup_text(value) + "\"";
}

std::string testcase(const std::string& classname, const TestCase& test)
{
    std::string xml = "    <testcase" + attribute("classname", classname) + attribute("name", test.name) +
                      attribute("time", seconds(test.duration_ms));
    if (!test.failure && test.output.empty()) return xml + "/>\n";
    xml += ">\n";
    if (test.failure) {
        xml += "      <failure" + attribute("message", test.failure->message) + attribute("type", test.failure->type) +
               ">" + markup_text(test.failure->details) + "</failure>\n";
    }
    if (!test.output.empty()) xml += "      <system-out>" + markup_text(test.output) + "</system-out>\n";
    return xml + "    </testcase>\n";
}

std::string testsuite(const TestSuite& suite)
{
    std::size_t failures = 0;
    double total_ms = 0;
    for (const auto& test : suite.cases) {
        failures += test.failure ? 1 : 0;
        total_ms += test.duration_ms;
    }
    std::string xml = "  <testsuite" + attribute("name", suite.name) +
                      attribute("tests", std::to_string(suite.cases.size())) +
                      attribute("failures", std::to_string(failures)) + attribute("errors", "0") +
                      attribute("skipped", "0") + attribute("time", seconds(total_ms)) + ">\n";
    for (const auto& test : suite.cases) xml += testcase(suite.name, test);
    return xml + "  </testsuite>\n";
}

} // namespace

std::string junit_report(const RunRecord& record)
{
    return junit_report(std::vector<NumberedRecord>{{1, &record}});
}

std::string junit_report(const std::vector<NumberedRecord>& records)
{
    std::vector<TestSuite> suites;
    std::size_t tests = 0, failures = 0;
    double total_ms = 0;
    for (const auto& numbered : records) {
        suites.push_back(test_suite(numbered));
        for (const auto& test : suites.back().cases) {
            ++tests;
            failures += test.failure ? 1 : 0;
            total_ms += test.duration_ms;
        }
    }
    // The totals on <testsuites> too: some CI tools read only the root's.
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attribute("name", "lambda-emu") +
                      attribute("tests", std::to_string(tests)) + attribute("failures", std::to_string(failures)) +
                      attribute("errors", "0") + attribute("time", seconds(total_ms)) + ">\n";
    for (const auto& suite : suites) xml += testsuite(suite);
    return xml + "</testsuites>\n";
}

} // namespace lambda_emu::report
