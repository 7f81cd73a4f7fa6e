#include "html_evidence.hpp"

#include "cleanup_table.hpp"
#include "markup.hpp"

#include <cstdio>
#include <vector>

namespace lambda_emu::report {

namespace {

std::string ms_at(const core::ShutdownReport& shutdown, core::SteadyTime at)
{
    char text[48];
    std::snprintf(text, sizeof text, "%.1f ms", core::to_ms(at - shutdown.started_at));
    return text;
}

std::string ms_amount(double ms)
{
    char text[48];
    std::snprintf(text, sizeof text, "%.1f ms", ms);
    return text;
}

// "the Runtime API at 127.0.0.1:9001 (ESTABLISHED)", "127.0.0.1:5432 (ESTABLISHED)".
std::string sockets_text(const std::vector<core::OpenSocket>& sockets)
{
    if (sockets.empty()) return "none";
    std::string text;
    for (const auto& socket : sockets) {
        std::string words = socket.describe();
        if (socket.peer == core::SocketPeer::RuntimeApi) words = "the Runtime API at " + words;
        else if (socket.peer == core::SocketPeer::ExtensionsApi) words = "the Extensions API at " + words;
        text += (text.empty() ? "" : ", ") + words;
    }
    return markup_text(text);
}

std::vector<std::string> facts(const core::ShutdownReport& shutdown, const core::ProcessCleanup& process)
{
    const auto& evidence = process.evidence;
    std::vector<std::string> found;
    if (evidence.at_start)
        found.push_back("first look at " + ms_at(shutdown, evidence.at_start->at) + ", before any signal");
    if (evidence.at_end) {
        found.push_back("last look at " + ms_at(shutdown, evidence.at_end->at) +
                        (process.sigkill_at ? ", just before its SIGKILL" : ", the last before its exit"));
    }
    if (const auto& last = evidence.last_output) {
        // Told: SIGTERM for the runtime, the SHUTDOWN event for an extension.
        const bool runtime = process.kind == core::ProcessKind::Runtime;
        const auto& told = core::told_at(process);
        const std::string when = !told               ? ""
                                 : last->at >= *told ? std::string{", after "} + (runtime ? "SIGTERM" : "SHUTDOWN")
                                                     : std::string{", before "} + (runtime ? "SIGTERM" : "SHUTDOWN");
        found.push_back("last output at " + ms_at(shutdown, last->at) + when + ": <code>" + markup_text(last->text) +
                        "</code>");
    }
    if (const auto cpu = core::cpu_in_phase_ms(process)) {
        std::string text = "CPU " + ms_amount(*cpu) + " in the phase";
        if (const auto after = core::cpu_after_last_output_ms(shutdown, process))
            text += ", " + ms_amount(*after) + " after its last output";
        found.push_back(text);
    }
    if (evidence.at_start) found.push_back("sockets at the first look: " + sockets_text(evidence.at_start->sockets));
    if (evidence.at_end) {
        found.push_back("sockets at the last look: " + sockets_text(evidence.at_end->sockets));
        found.push_back("its own connections still open then: " + sockets_text(core::open_own_connections(process)));
        if (!evidence.at_end->waiting_in.empty())
            found.push_back("its main thread waited in the kernel's <code>" + markup_text(evidence.at_end->waiting_in) +
                            "</code>" + (evidence.at_end->asleep() ? " (asleep)" : ""));
    }
    if (evidence.parked_at_kill != core::ParkedCall::None)
        found.push_back(std::string{"its "} + core::to_string(evidence.parked_at_kill) +
                        " request was still parked when it was killed");
    if (process.verdict == core::Verdict::Killed && process.sigkill_at) {
        found.push_back(core::killed_while_idle(shutdown, process)
                            ? "killed while idle (its work was done; --allow-kill=idle lets that pass)"
                            : "killed while still working");
    }
    return found;
}

} // namespace

std::string evidence_html(const core::ShutdownReport& shutdown, const core::ProcessCleanup& process, bool lines_kept)
{
    std::string html = "<p class=\"evidence-line\">" + markup_text(evidence_line(shutdown, process)) + "</p>";
    const auto found = facts(shutdown, process);
    if (!found.empty()) {
        html += "<ul class=\"evidence\">";
        for (const auto& fact : found) html += "<li>" + fact + "</li>";
        html += "</ul>";
    }
    const auto& lines = process.evidence.last_lines;
    if (!lines_kept) return html;
    // The evidence line says "no output" of a process that took part in the phase.
    if (lines.empty())
        return process.exited_before_shutdown ? html + "<p class=\"last-lines empty\">No output.</p>" : html;
    html += "<p class=\"last-lines\">Its last " +
            (lines.size() == 1 ? std::string{"line"} : std::to_string(lines.size()) + " lines") +
            " of output:</p><pre class=\"last-lines\">";
    for (const auto& line : lines) html += markup_text(line) + "\n";
    return html + "</pre>";
}

} // namespace lambda_emu::report
