#pragma once
// A saved JSON report read back into the run records it was written from, so `lambda-emu report`
// renders the cleanup table, the timeline and JUnit with the same code as the run did. Times come
// back at the report's resolution (0.1 ms within a Shutdown phase, 1 ms on the epoch axis).
#include "run_record.hpp"
#include "test_cases.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace lambda_emu::report {

struct ReadReport {
    std::vector<RunRecord> environments; // a run's report: one; serve's: one per environment
    std::vector<int> environment_ids;    // each one's number: serve's "id"; a run's 1
    int exit_code = 0;                   // the whole run's (serve's, over every environment)
    std::string exit_reason;
    std::string error; // non-empty: not a report this version can read

    // Each environment with its number, as JUnit and the summary take them.
    std::vector<NumberedRecord> numbered() const;
};

// A run report (schema in docs/report.schema.json) or serve's {"environments": [{"id", "report"}]}.
ReadReport read_report(const nlohmann::ordered_json& report);

// One entry of a report's "shutdowns". Throws (nlohmann::json::exception, std::runtime_error for
// an unknown word) on one that is not.
core::ShutdownReport read_shutdown(const nlohmann::ordered_json& entry);

} // namespace lambda_emu::report
