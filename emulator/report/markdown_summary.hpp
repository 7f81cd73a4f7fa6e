#pragma once
// The run in a few lines of Markdown, for a CI job's summary page (GitHub Actions'
// $GITHUB_STEP_SUMMARY): the verdict and exit code, each function's invocations, the Shutdown
// phase's table, and the failures with why. Short by design: a large run's table and failures are
// cut to the first few, the killed and crashed processes first, with a count of the rest; the
// JUnit and JSON reports keep everything.
#include "test_cases.hpp"

#include <string>
#include <vector>

namespace lambda_emu::report {

std::string markdown_summary(const std::vector<NumberedRecord>& environments, int exit_code,
                             const std::string& exit_reason);

// Text as Markdown shows it literally on one line: punctuation that would format escaped, HTML's
// angle brackets as entities, line breaks as spaces.
std::string markdown_text(const std::string& raw);

} // namespace lambda_emu::report
