#include "cleanup_table.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace lambda_emu::report {

namespace {

std::string ms(const std::optional<double>& value)
{
    if (!value) return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", *value);
    return text;
}

std::string exit_text(const core::ProcessCleanup& process)
{
    if (!process.exit_status) return "not observed";
    return process.exit_status->signalled ? "signal " + core::signal_description(process.exit_status->code)
                                          : "exit " + std::to_string(process.exit_status->code);
}

std::string last_output(const core::ShutdownReport& report, const core::ProcessCleanup& process)
{
    const auto& last = process.evidence.last_output;
    return last ? ms(core::offset_ms(report, last->at)) : "-";
}

std::string open_connections(const core::ProcessCleanup& process)
{
    if (!process.evidence.at_end) return "-";
    return std::to_string(core::open_own_connections(process).size());
}

} // namespace

std::string cleanup_table(const core::ShutdownReport& report, const Palette& palette)
{
    // The last four are the evidence (issue 10): when it last printed, the CPU its tree used in
    // the phase, its own connections still open at the end, the API poll parked at its kill.
    const std::vector<std::string> header{"process",     "kind",       "pid",        "SIGTERM",  "SHUTDOWN", "SIGKILL",
                                          "exited",      "cleanup ms", "deadline",   "headroom", "exit",     "verdict",
                                          "last output", "CPU ms",     "open conns", "parked"};
    std::vector<std::vector<std::string>> rows{header};
    for (const auto& process : report.processes) {
        std::optional<double> headroom;
        if (process.deadline && process.exit_observed_at && !process.sigkill_at) {
            headroom = core::to_ms(*process.deadline - *process.exit_observed_at);
        }
        rows.push_back(
            {process.name, core::to_string(process.kind), std::to_string(process.pid),
             ms(core::offset_ms(report, process.sigterm_at)), ms(core::offset_ms(report, process.shutdown_event_at)),
             ms(core::offset_ms(report, process.sigkill_at)),
             process.exited_before_shutdown ? "before" : ms(core::offset_ms(report, process.exit_observed_at)),
             ms(core::cleanup_duration_ms(process)), ms(core::offset_ms(report, process.deadline)), ms(headroom),
             exit_text(process), core::to_string(process.verdict), last_output(report, process),
             ms(core::cpu_in_phase_ms(process)), open_connections(process),
             process.evidence.parked_at_kill == core::ParkedCall::None
                 ? "-"
                 : core::to_string(process.evidence.parked_at_kill)});
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());

    char budget[160];
    std::snprintf(budget, sizeof budget, "runtime share %lld ms, phase %lld ms, SIGTERM %s",
                  static_cast<long long>(report.budget.runtime_share.count()),
                  static_cast<long long>(report.budget.phase.count()), report.budget.send_sigterm ? "yes" : "no");
    std::string text = std::string{"Shutdown ("} + core::to_string(report.reason) + (report.final ? "" : ", reset") +
                       "): " + budget + " [" + report.budget.source + "]; times in ms from the phase's start\n";
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto& row = rows[r];
        text += "  ";
        for (std::size_t i = 0; i < row.size(); ++i) {
            // Colour wraps the cell after its width is measured, so the columns stay aligned.
            if (r > 0 && header[i] == "process") text += palette.label(row[i], row[i]);
            else if (r > 0 && header[i] == "verdict") text += palette.verdict(row[i], row[i]);
            else text += row[i];
            if (i + 1 < row.size()) text += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        text += '\n';
    }
    if (report.processes.empty()) text += "  (no process was running)\n";
    if (!report.escaped_processes.empty()) {
        std::string names;
        for (const auto& process : report.escaped_processes) {
            names += (names.empty() ? "" : ", ") + process.command + " (pid " + std::to_string(process.pid) + ")";
        }
        text += "  escaped: " + std::to_string(report.escaped_processes.size()) +
                " process(es) started by the runtime or an extension outlived them, out of reach of their process "
                "group, and were killed: " +
                names + "\n";
    }
    for (const auto& note : report.diagnostics) text += "  note: " + note + "\n";
    return text;
}

} // namespace lambda_emu::report
