#pragma once
// The report as JUnit XML, for CI systems that show test results: a testcase per invocation and
// per process of each Shutdown phase; killed or crashed processes and failed invocations fail.
#include "run_record.hpp"

#include <string>
#include <vector>

namespace lambda_emu::report {

std::string junit_report(const RunRecord& record);
// One <testsuite> per environment (serve).
std::string junit_report(const std::vector<const RunRecord*>& records);

} // namespace lambda_emu::report
