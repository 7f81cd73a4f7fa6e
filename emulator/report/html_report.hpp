#pragma once
// The report as one self-contained HTML page for people and CI artifacts: inline CSS and SVG, no
// script, nothing fetched. Per environment, its whole life on a time axis with one row per
// process (Init, each invocation, resets, Shutdown phases with their SIGTERM, SHUTDOWN, SIGKILL,
// exit and deadline marks), each Shutdown phase again drawn to its own scale with its cleanup
// table, each process's evidence and last lines of output under its row, the diagnostics (a
// failed Init's error type and message first), and the invocations table. Rendered from the JSON
// report, so a saved one renders the same.
#include <nlohmann/json.hpp>

#include <string>

namespace lambda_emu::report {

// `report`: a run report or serve's report of environments (docs/report.schema.json). Throws
// nlohmann::json::exception on a document that is not one.
std::string html_report(const nlohmann::ordered_json& report);

} // namespace lambda_emu::report
