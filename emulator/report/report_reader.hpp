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
    std::string schema_version;   // "1.6"
    std::string generator;        // the lambda-emu version that wrote it
    bool of_environments = false; // serve's report of environments, not one run's
    std::string error;            // non-empty: not a report this version can read

    // Each environment with its number, as JUnit and the summary take them.
    std::vector<NumberedRecord> numbered() const;
    // The schema's minor version ("1.6" -> 6), for what older reports did not keep.
    int schema_minor() const;
};

// The clock of a report read back: its records' instants are epoch milliseconds on the steady
// clock's axis (report_reader.cpp), so the wall-clock instant is the same number. JSON written
// from a read report with it gives the same epoch times.
class ReportClock final : public core::Clock {
public:
    core::SteadyTime now() const override { return core::SteadyTime{}; }
    core::WallTime to_wall(core::SteadyTime t) const override
    {
        return core::WallTime{std::chrono::duration_cast<core::WallTime::duration>(t.time_since_epoch())};
    }
};

// A run report (schema in docs/report.schema.json) or serve's {"environments": [{"id", "report"}]}.
ReadReport read_report(const nlohmann::ordered_json& report);

// One entry of a report's "shutdowns". Throws (nlohmann::json::exception, std::runtime_error for
// an unknown word) on one that is not.
core::ShutdownReport read_shutdown(const nlohmann::ordered_json& entry);

} // namespace lambda_emu::report
