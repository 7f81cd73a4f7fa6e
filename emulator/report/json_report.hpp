#pragma once
// The report for CI: one JSON document, versioned ("schemaVersion"), documented in docs/shutdown.md
// and in docs/report.schema.json.
#include "core/clock.hpp"
#include "run_record.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::report {

inline constexpr const char* kReportSchemaVersion = "1.6";

nlohmann::ordered_json json_report(const RunRecord& record, const core::Clock& clock);

} // namespace lambda_emu::report
