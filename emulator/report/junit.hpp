#pragma once
// The report as JUnit XML, for CI systems that show test results: a <testsuite> per environment,
// a <testcase> per Init attempt, per invocation and per process of each Shutdown phase
// (report/test_cases.hpp names them); failed Inits and invocations, and killed or crashed
// processes, fail with a <failure> whose body says why and what the process printed last.
#include "run_record.hpp"
#include "test_cases.hpp"

#include <string>
#include <vector>

namespace lambda_emu::report {

// A run: one environment, number 1.
std::string junit_report(const RunRecord& record);
// One <testsuite> per environment (serve), each with its own number.
std::string junit_report(const std::vector<NumberedRecord>& records);

} // namespace lambda_emu::report
