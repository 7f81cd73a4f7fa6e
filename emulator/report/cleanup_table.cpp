#include "cleanup_table.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace lambda_emu::report {

namespace {

std::string ms_text(const std::optional<double>& value)
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
    return last ? ms_text(core::offset_ms(report, last->at)) : "-";
}

std::string open_connections(const core::ProcessCleanup& process)
{
    if (!process.evidence.at_end) return "-";
    return std::to_string(core::open_own_connections(process).size());
}

} // namespace

std::string evidence_line(const core::ShutdownReport& report, const core::ProcessCleanup& process)
{
    std::string text =
        exit_text(process) + ", " + core::to_string(process.kind) + ", pid " + std::to_string(process.pid);
    if (process.exited_before_shutdown) return text + ", exited before the phase";
    const auto& last = process.evidence.last_output;
    text += last ? ", last output at " + last_output(report, process) : std::string{", no output"};
    if (const auto cpu = core::cpu_in_phase_ms(process)) text += ", CPU " + ms_text(cpu) + " ms";
    if (process.evidence.at_end) text += ", open conns " + open_connections(process);
    if (process.evidence.parked_at_kill != core::ParkedCall::None)
        text += ", parked " + std::string{core::to_string(process.evidence.parked_at_kill)};
    return text;
}

std::string fitted(const std::string& name)
{
    return name.size() <= kMaxNameWidth ? name : name.substr(0, kMaxNameWidth - 1) + "~";
}

std::string cleanup_table(const core::ShutdownReport& report, const Palette& palette)
{
    // Two lines a process, within 100 columns: the times and the verdict, then how it ended and the
    // evidence (when it last printed, the CPU its tree used in the phase, its own connections still
    // open at the end, the API poll parked at its kill). "told": SIGTERM to the runtime, SHUTDOWN
    // to an extension.
    const std::vector<std::string> header{"process", "verdict",    "told",     "SIGKILL",
                                          "exited",  "cleanup ms", "deadline", "headroom"};
    std::vector<std::vector<std::string>> rows{header};
    std::vector<std::string> evidence;
    for (const auto& process : report.processes) {
        rows.push_back(
            {fitted(process.name), core::to_string(process.verdict),
             ms_text(core::offset_ms(report, core::told_at(process))),
             ms_text(core::offset_ms(report, process.sigkill_at)),
             process.exited_before_shutdown ? "before" : ms_text(core::offset_ms(report, process.exit_observed_at)),
             ms_text(core::cleanup_duration_ms(process)), ms_text(core::offset_ms(report, process.deadline)),
             ms_text(core::headroom_ms(process))});
        evidence.push_back(evidence_line(report, process));
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());

    char budget[160];
    std::snprintf(budget, sizeof budget, "runtime share %lld ms, phase %lld ms, SIGTERM %s",
                  static_cast<long long>(report.budget.runtime_share.count()),
                  static_cast<long long>(report.budget.phase.count()), report.budget.send_sigterm ? "yes" : "no");
    std::string text = std::string{"Shutdown ("} + core::to_string(report.reason) + (report.final ? "" : ", reset") +
                       "): " + budget + "\n  [" + report.budget.source +
                       "] times in ms from the phase's start; told: SIGTERM or SHUTDOWN\n";
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto& row = rows[r];
        std::string line = "  ";
        for (std::size_t i = 0; i < row.size(); ++i) {
            // Colour wraps the cell after its width is measured, so the columns stay aligned.
            if (r > 0 && i == 0) line += palette.label(report.processes[r - 1], row[i]);
            else if (r > 0 && i == 1) line += palette.verdict(report.processes[r - 1].verdict, row[i]);
            else line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        text += line + '\n';
        if (r > 0) text += "    " + palette.dim(evidence[r - 1]) + '\n';
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
