#include "shutdown_summary.hpp"

#include "cleanup_table.hpp"
#include "shutdown_timeline.hpp"

#include <chrono>
#include <cmath>

namespace lambda_emu::report {

core::ShutdownReport at_report_resolution(const core::ShutdownReport& report)
{
    auto rounded = report;
    // Exactly as the JSON report rounds (json_report.cpp) and report_reader.cpp reads it back.
    const auto round = [&report](core::SteadyTime t) {
        return report.started_at + from_report_ms(std::round(core::to_ms(t - report.started_at) * 10.0) / 10.0);
    };
    rounded.ended_at = round(report.ended_at);
    for (auto& process : rounded.processes) {
        for (auto* t : {&process.sigterm_at, &process.shutdown_event_at, &process.sigkill_at, &process.exit_observed_at,
                        &process.deadline}) {
            if (*t) *t = round(**t);
        }
        auto& evidence = process.evidence;
        if (evidence.last_output) evidence.last_output->at = round(evidence.last_output->at);
        for (auto* sample : {&evidence.at_start, &evidence.at_end}) {
            if (*sample) (*sample)->at = round((*sample)->at);
        }
    }
    return rounded;
}

std::string shutdown_summary(const core::ShutdownReport& report, const Palette& palette)
{
    const auto rounded = at_report_resolution(report);
    return cleanup_table(rounded, palette) + shutdown_timeline(rounded, palette);
}

} // namespace lambda_emu::report
