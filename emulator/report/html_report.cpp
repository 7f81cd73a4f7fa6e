#include "html_report.hpp"

#include "html_evidence.hpp"
#include "markup.hpp"
#include "report_reader.hpp"
#include "time_axis.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

namespace lambda_emu::report {

namespace {

constexpr double kLabelWidth = 170; // px, the process names
constexpr double kPlotWidth = 820;  // px, the time axis
constexpr double kRowHeight = 30;
constexpr double kAxisHeight = 26;

std::string number(double value, const char* format = "%.1f")
{
    char text[48];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

std::string text_or_dash(const std::string& text)
{
    return text.empty() ? "-" : markup_text(text);
}

std::string ms_or_dash(const std::optional<double>& ms)
{
    return ms ? number(*ms) : "-";
}

// A read report's instants are epoch milliseconds on the steady clock's axis (report_reader.hpp).
double epoch_ms(core::SteadyTime t)
{
    return core::to_ms(t.time_since_epoch());
}

// Reports before schema 1.3 did not keep when an Init or an invocation started: not on the axis.
bool on_axis(core::SteadyTime started_at)
{
    return started_at != core::SteadyTime{};
}

std::string outcome_word(const InvocationRecord& invocation)
{
    return invocation.outcome ? to_string(*invocation.outcome) : "none";
}

// A time axis: milliseconds from `start` over `span`, mapped onto the plot's pixels.
struct Axis {
    double start = 0;
    double span = 1;
    double x(double ms) const { return kLabelWidth + std::clamp((ms - start) / span, 0.0, 1.0) * kPlotWidth; }
};

// The axis's ticks and labels; the note at its left names the unit, then `after_unit`.
std::string ticks(const Axis& axis, double height, const std::string& after_unit)
{
    const TimeTicks found = time_ticks(axis.span);
    std::string svg;
    for (const auto& tick : found.ticks) {
        const double x = axis.x(axis.start + tick.at_ms);
        svg += "<line class=\"tick\" x1=\"" + number(x) + "\" y1=\"" + number(kAxisHeight - 6) + "\" x2=\"" +
               number(x) + "\" y2=\"" + number(height) + "\"/>";
        svg += "<text class=\"tick-label\" x=\"" + number(x) + "\" y=\"" + number(kAxisHeight - 10) + "\">" +
               tick.label + "</text>";
    }
    svg += "<text class=\"axis-note\" x=\"4\" y=\"" + number(kAxisHeight - 10) + "\">" + found.unit + after_unit +
           "</text>";
    return svg;
}

std::string span_rect(const Axis& axis, double y, double from, double to, const std::string& css,
                      const std::string& title)
{
    const double x1 = axis.x(from);
    const double width = std::max(axis.x(to) - x1, 2.0);
    return "<rect class=\"span " + css + "\" x=\"" + number(x1) + "\" y=\"" + number(y + 6) + "\" width=\"" +
           number(width) + "\" height=\"" + number(kRowHeight - 12) + "\"><title>" + title + "</title></rect>";
}

// A mark across a row: SIGTERM, SHUTDOWN, SIGKILL, exit, deadline.
std::string mark(const Axis& axis, double y, double at, const std::string& kind, const std::string& title)
{
    const double x = axis.x(at);
    std::string shape;
    if (kind == "exit") {
        shape = "<circle cx=\"" + number(x) + "\" cy=\"" + number(y + kRowHeight / 2) + "\" r=\"4.5\"/>";
    } else if (kind == "sigkill") {
        const double cy = y + kRowHeight / 2;
        shape = "<path d=\"M" + number(x - 6) + " " + number(cy - 6) + " L" + number(x + 6) + " " + number(cy + 6) +
                " M" + number(x - 6) + " " + number(cy + 6) + " L" + number(x + 6) + " " + number(cy - 6) + "\"/>";
    } else {
        shape = "<line x1=\"" + number(x) + "\" y1=\"" + number(y + 2) + "\" x2=\"" + number(x) + "\" y2=\"" +
                number(y + kRowHeight - 2) + "\"/>";
    }
    return "<g class=\"mark mark-" + kind + "\" data-ms=\"" + number(at) + "\"><title>" + title + "</title>" + shape +
           "</g>";
}

// The names of an environment's processes, the runtime first, then the extensions as registered
// and any that only the Shutdown phases name.
std::vector<std::string> process_names(const RunRecord& run)
{
    std::vector<std::string> names{"runtime"};
    const auto add = [&names](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    };
    for (const auto& extension : run.extensions) add(extension.name);
    for (const auto& shutdown : run.shutdowns)
        for (const auto& process : shutdown.processes) add(process.name);
    return names;
}

const core::ProcessCleanup* process_in(const core::ShutdownReport& shutdown, const std::string& name)
{
    for (const auto& process : shutdown.processes)
        if (process.name == name) return &process;
    return nullptr;
}

// The marks of one process in one Shutdown phase, `origin` being the phase's start on the axis.
std::string shutdown_marks(const Axis& axis, double y, double origin, const core::ShutdownReport& shutdown,
                           const core::ProcessCleanup& process)
{
    std::string svg;
    const auto at = [&](const std::optional<core::SteadyTime>& t) { return core::offset_ms(shutdown, t); };
    const auto first_signal = [&]() {
        std::optional<double> first;
        for (const auto& t : {process.sigterm_at, process.shutdown_event_at, process.sigkill_at})
            if (auto ms = at(t); ms && (!first || *ms < *first)) first = ms;
        return first;
    }();
    const auto exit = at(process.exit_observed_at);
    const auto deadline = at(process.deadline);
    const auto kill = at(process.sigkill_at);
    const std::string verdict = core::to_string(process.verdict);
    if (first_signal) {
        const double end = exit ? *exit : kill ? *kill : *first_signal;
        svg += span_rect(axis, y, origin + *first_signal, origin + end, "cleanup verdict-" + verdict,
                         "cleanup " + number(end - *first_signal) + " ms (" + verdict + ")");
    }
    if (const auto headroom = core::headroom_ms(process); headroom && *headroom > 0) {
        svg +=
            span_rect(axis, y, origin + *exit, origin + *deadline, "headroom", "headroom " + number(*headroom) + " ms");
    }
    if (deadline) svg += mark(axis, y, origin + *deadline, "deadline", "deadline at " + number(*deadline) + " ms");
    if (auto t = at(process.sigterm_at))
        svg += mark(axis, y, origin + *t, "sigterm", "SIGTERM at " + number(*t) + " ms");
    if (auto t = at(process.shutdown_event_at))
        svg += mark(axis, y, origin + *t, "shutdown", "SHUTDOWN event at " + number(*t) + " ms");
    if (kill) svg += mark(axis, y, origin + *kill, "sigkill", "SIGKILL at " + number(*kill) + " ms");
    if (exit) {
        svg += mark(axis, y, origin + *exit, "exit verdict-" + verdict,
                    "exit observed at " + number(*exit) + " ms: " +
                        (process.exit_status ? markup_text(process.exit_status->describe()) : std::string{"-"}) + ", " +
                        verdict);
    }
    return svg;
}

std::string row_frame(double y, std::size_t index, const std::string& name, const std::string& kind)
{
    return "<g class=\"timeline-row\" data-process=\"" + markup_text(name) + "\" data-kind=\"" + kind + "\">" +
           "<rect class=\"row-band" + std::string(index % 2 ? " odd" : "") + "\" x=\"0\" y=\"" + number(y) +
           "\" width=\"" + number(kLabelWidth + kPlotWidth) + "\" height=\"" + number(kRowHeight) + "\"/>" +
           "<text class=\"row-label\" x=\"6\" y=\"" + number(y + kRowHeight / 2 + 4) + "\">" + markup_text(name) +
           "</text>";
}

std::string svg_open(const char* css, std::size_t rows, const std::string& label)
{
    const double height = kAxisHeight + static_cast<double>(rows) * kRowHeight + 4;
    return "<svg class=\"" + std::string{css} + "\" role=\"img\" aria-label=\"" + markup_text(label) +
           "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + number(kLabelWidth + kPlotWidth + 10) + " " +
           number(height) + "\" width=\"" + number(kLabelWidth + kPlotWidth + 10) + "\" height=\"" + number(height) +
           "\">";
}

// The environment's whole life: one row per process on one axis of epoch milliseconds.
std::string lifecycle(const RunRecord& run, const std::vector<std::string>& names)
{
    double first = 0, last = 0;
    bool any = false;
    const auto cover = [&](double from, double to) {
        first = any ? std::min(first, from) : from;
        last = any ? std::max(last, to) : to;
        any = true;
    };
    for (const auto& init : run.inits)
        if (on_axis(init.started_at)) cover(epoch_ms(init.started_at), epoch_ms(init.started_at) + init.duration_ms);
    for (const auto& invocation : run.invocations) {
        const auto& r = invocation.report;
        if (on_axis(r.started_at)) cover(epoch_ms(r.started_at), epoch_ms(r.started_at) + r.duration_ms);
    }
    for (const auto& shutdown : run.shutdowns) {
        const double start = epoch_ms(shutdown.started_at);
        double end = start + core::to_ms(shutdown.ended_at - shutdown.started_at);
        for (const auto& process : shutdown.processes)
            for (const auto& t : {process.exit_observed_at, process.deadline, process.sigkill_at})
                if (auto ms = core::offset_ms(shutdown, t)) end = std::max(end, start + *ms);
        cover(start, end);
    }
    if (!any) return "<p class=\"empty\">Nothing happened on a time axis.</p>";
    const Axis axis{first, std::max(last - first, 1.0)};
    std::string svg = svg_open("lifecycle", names.size(), "the environment's life, one row per process");
    const double height = kAxisHeight + static_cast<double>(names.size()) * kRowHeight;
    svg += ticks(axis, height, "");
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& name = names[i];
        const double y = kAxisHeight + static_cast<double>(i) * kRowHeight;
        svg += row_frame(y, i, name, i == 0 ? "runtime" : "extension");
        for (const auto& init : run.inits) {
            if (!on_axis(init.started_at)) continue;
            const double t = epoch_ms(init.started_at);
            const std::string status = core::to_string(init.status);
            svg += span_rect(axis, y, t, t + init.duration_ms, "init status-" + status,
                             "Init (" + markup_text(core::to_string(init.phase)) + "): " + status + ", " +
                                 number(init.duration_ms) + " ms");
        }
        if (i == 0) {
            for (const auto& invocation : run.invocations) {
                const auto& r = invocation.report;
                if (!on_axis(r.started_at)) continue;
                const double t = epoch_ms(r.started_at);
                const std::string outcome = outcome_word(invocation);
                svg += span_rect(axis, y, t, t + r.duration_ms, "invocation outcome-" + outcome,
                                 "invocation " + markup_text(r.request_id) + ": " + outcome + ", " +
                                     number(r.duration_ms) + " ms");
            }
        }
        for (const auto& shutdown : run.shutdowns) {
            const double start = epoch_ms(shutdown.started_at);
            svg += span_rect(axis, y, start, start + core::to_ms(shutdown.ended_at - shutdown.started_at),
                             shutdown.final ? "shutdown" : "shutdown reset",
                             std::string{shutdown.final ? "Shutdown" : "Reset"} + " (" +
                                 markup_text(core::to_string(shutdown.reason)) + ")");
            if (const auto* process = process_in(shutdown, name))
                svg += shutdown_marks(axis, y, start, shutdown, *process);
        }
        svg += "</g>";
    }
    return svg + "</svg>";
}

// One Shutdown phase to its own scale: offsets from its start, up to its budget or last event.
std::string shutdown_detail(const core::ShutdownReport& shutdown)
{
    const auto& processes = shutdown.processes;
    // Nothing to draw when no process took part (a reset after a crash): the table says so.
    if (std::all_of(processes.begin(), processes.end(),
                    [](const core::ProcessCleanup& process) { return process.exited_before_shutdown; }))
        return {};
    double scale = static_cast<double>(shutdown.budget.phase.count());
    scale = std::max(scale, core::to_ms(shutdown.ended_at - shutdown.started_at));
    for (const auto& process : processes)
        for (const auto& t : {process.sigterm_at, process.shutdown_event_at, process.sigkill_at,
                              process.exit_observed_at, process.deadline})
            if (auto ms = core::offset_ms(shutdown, t)) scale = std::max(scale, *ms);
    const Axis axis{0, std::max(scale * 1.04, 1.0)};
    std::string svg = svg_open("shutdown-phase", processes.size(), "the Shutdown phase, one row per process");
    svg += ticks(axis, kAxisHeight + static_cast<double>(processes.size()) * kRowHeight, " from the phase's start");
    for (std::size_t i = 0; i < processes.size(); ++i) {
        const auto& process = processes[i];
        const double y = kAxisHeight + static_cast<double>(i) * kRowHeight;
        svg += row_frame(y, i, process.name, core::to_string(process.kind));
        if (process.exited_before_shutdown) {
            svg += "<text class=\"row-note\" x=\"" + number(kLabelWidth + 6) + "\" y=\"" +
                   number(y + kRowHeight / 2 + 4) + "\">exited before the phase</text>";
        }
        svg += shutdown_marks(axis, y, 0, shutdown, process) + "</g>";
    }
    return svg + "</svg>";
}

// One row a process, and under it the evidence of what it was doing and its last lines.
// `lines_kept`: the report keeps the processes' last lines (schema 1.5 on).
std::string cleanup_rows(const core::ShutdownReport& shutdown, bool lines_kept)
{
    if (shutdown.processes.empty()) return "<p class=\"empty\">No process was running.</p>";
    std::string html = "<table class=\"cleanup\"><thead><tr><th>process</th><th>kind</th><th>pid</th><th>SIGTERM</th>"
                       "<th>SHUTDOWN</th><th>SIGKILL</th><th>exited</th><th>cleanup ms</th><th>deadline</th>"
                       "<th>headroom</th><th>exit</th><th>verdict</th></tr></thead><tbody>";
    for (const auto& process : shutdown.processes) {
        const std::string verdict = core::to_string(process.verdict);
        html += "<tr><td>" + markup_text(process.name) + "</td><td>" + markup_text(core::to_string(process.kind)) +
                "</td><td>" + std::to_string(process.pid) + "</td>";
        for (const auto& ms :
             {core::offset_ms(shutdown, process.sigterm_at), core::offset_ms(shutdown, process.shutdown_event_at),
              core::offset_ms(shutdown, process.sigkill_at), core::offset_ms(shutdown, process.exit_observed_at),
              core::cleanup_duration_ms(process), core::offset_ms(shutdown, process.deadline),
              core::headroom_ms(process)})
            html += "<td class=\"num\">" + ms_or_dash(ms) + "</td>";
        html += "<td>" +
                (process.exit_status ? markup_text(process.exit_status->describe()) : std::string{"not observed"}) +
                "</td><td class=\"verdict verdict-" + verdict + "\">" + markup_text(verdict) + "</td></tr>";
        html += "<tr class=\"evidence-row\"><td colspan=\"12\">" + evidence_html(shutdown, process, lines_kept) +
                "</td></tr>";
    }
    return html + "</tbody></table>";
}

std::string invocations_table(const RunRecord& run)
{
    if (run.invocations.empty()) return "<p class=\"empty\">No invocation.</p>";
    std::string html = "<table class=\"invocations\"><thead><tr><th>#</th><th>request id</th><th>event</th>"
                       "<th>outcome</th><th>status</th><th>error type</th><th>duration ms</th><th>billed ms</th>"
                       "<th>memory MB</th><th>max used MB</th><th>init ms</th></tr></thead><tbody>";
    auto number_of = run.invocations_not_kept;
    for (const auto& invocation : run.invocations) {
        const auto& r = invocation.report;
        const std::string outcome = outcome_word(invocation);
        // A retry of an asynchronous event keeps its request id: the attempt tells them apart.
        const std::string retry = invocation.attempt > 1 ? " (attempt " + std::to_string(invocation.attempt) + ")" : "";
        html += "<tr class=\"outcome-" + outcome + "\"><td>" + std::to_string(++number_of) + "</td><td>" +
                markup_text(r.request_id) + "</td><td>" + markup_text(invocation.source) + retry + "</td><td>" +
                markup_text(outcome) + "</td><td>" + markup_text(core::to_string(r.status)) + "</td><td>" +
                text_or_dash(r.error_type) + "</td>";
        for (const auto& cell :
             {number(r.duration_ms), std::to_string(r.billed_duration_ms), std::to_string(r.memory_size_mb),
              std::to_string(r.max_memory_used_mb), ms_or_dash(r.init_duration_ms)})
            html += "<td class=\"num\">" + cell + "</td>";
        html += "</tr>";
    }
    html += "</tbody></table>";
    if (run.invocations_not_kept > 0)
        html += "<p>" + std::to_string(run.invocations_not_kept) +
                " older invocations are not kept in full (see the summary).</p>";
    return html;
}

std::string environment_section(const RunRecord& run, const std::string& heading, bool lines_kept)
{
    const auto& function = run.function;
    std::string html = "<section class=\"environment\"><h2>" + heading + "</h2>";
    html += "<p class=\"facts\">function <b>" + markup_text(function.name) + "</b> · handler " +
            markup_text(function.handler) + " · " + std::to_string(function.memory_mb) + " MB · timeout " +
            std::to_string(function.timeout.count()) + " ms · bootstrap <code>" + markup_text(run.bootstrap) +
            "</code> · exit code " + std::to_string(run.exit_code) +
            (run.exit_reason.empty() ? std::string{} : ": " + markup_text(run.exit_reason)) + "</p>";
    const auto names = process_names(run);
    html += "<h3>Life on a time axis</h3>" + lifecycle(run, names);
    html += "<p class=\"legend\"><span class=\"key init\"></span>Init <span class=\"key invocation\"></span>invocation "
            "<span class=\"key shutdown\"></span>Shutdown phase <span class=\"key reset\"></span>reset "
            "<span class=\"key cleanup\"></span>cleanup <span class=\"key headroom\"></span>headroom · marks: "
            "<b class=\"sigterm\">|</b> SIGTERM, <b class=\"shutdown\">|</b> SHUTDOWN, <b class=\"sigkill\">✕</b> "
            "SIGKILL, <b>●</b> exit, <b class=\"deadline\">┆</b> deadline</p>";
    std::string diagnostics;
    std::size_t init_index = 0;
    for (const auto& init : run.inits) {
        ++init_index;
        if (init.status == core::InitStatus::Success) continue;
        // The error's message as the runtime posted it (or the emulator's words for an exit),
        // every line of it: Node.js's runs on with "Require stack:".
        diagnostics += "<li class=\"init-error\">Init " + std::to_string(init_index) + " (" +
                       markup_text(core::to_string(init.phase)) + "): " + markup_text(core::to_string(init.status)) +
                       (init.error_type.empty() ? std::string{} : ", " + markup_text(init.error_type)) + " after " +
                       number(init.duration_ms) + " ms" +
                       (init.error_message.empty()
                            ? std::string{}
                            : "<pre class=\"error-message\">" + markup_text(init.error_message) + "</pre>") +
                       "</li>";
    }
    std::size_t index = 0;
    for (const auto& shutdown : run.shutdowns) {
        const auto& budget = shutdown.budget;
        html += "<h3>" + std::string{shutdown.final ? "Shutdown" : "Reset"} + " " + std::to_string(++index) + " (" +
                markup_text(core::to_string(shutdown.reason)) + "): runtime share " +
                std::to_string(budget.runtime_share.count()) + " ms, phase " + std::to_string(budget.phase.count()) +
                " ms, SIGTERM " + (budget.send_sigterm ? "yes" : "no") + " [" + markup_text(budget.source) + "]</h3>";
        html += shutdown_detail(shutdown) + cleanup_rows(shutdown, lines_kept);
        for (const auto& note : shutdown.diagnostics)
            diagnostics += "<li>Shutdown " + std::to_string(index) + ": " + markup_text(note) + "</li>";
        for (const auto& escaped : shutdown.escaped_processes)
            diagnostics += "<li>Shutdown " + std::to_string(index) + ": escaped process " +
                           markup_text(escaped.command) + " (pid " + std::to_string(escaped.pid) + ") was killed</li>";
    }
    html += "<h3>Diagnostics</h3>" + (diagnostics.empty() ? std::string{"<p class=\"empty\">None.</p>"}
                                                          : "<ul class=\"diagnostics\">" + diagnostics + "</ul>");
    html += "<h3>Invocations</h3>" + invocations_table(run);
    return html + "</section>";
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #d8dde6}
h3{font-size:14px;margin:18px 0 6px}code{font-size:12px}.facts{color:#4a5263;margin:0}
svg{display:block;font:11px system-ui,sans-serif;margin:6px 0}
.row-band{fill:#f6f7fa}.row-band.odd{fill:#eceff4}.row-label{font-weight:600;fill:#1d2330}.row-note{fill:#6b7385}
.tick{stroke:#c9ced8;stroke-width:1}.tick-label{fill:#6b7385;text-anchor:middle}.axis-note{fill:#6b7385}
.span.init{fill:#8fb3e8}.span.init.status-error,.span.init.status-timeout{fill:#e8a08f}
.span.invocation{fill:#4f7fd0;stroke:#fff;stroke-width:1}.span.invocation.outcome-function-error{fill:#d99b2b}
.span.invocation.outcome-timeout,.span.invocation.outcome-runtime-exit,.span.invocation.outcome-extension-failure,
.span.invocation.outcome-init-failure{fill:#c8453a}
.span.shutdown{fill:#c7cbd3;opacity:.7}.span.shutdown.reset{fill:#e9c46a}
.span.cleanup{fill:#7fbf7f}.span.cleanup.verdict-killed{fill:#e07070}.span.cleanup.verdict-crashed{fill:#c77dc7}
.span.cleanup.verdict-not-signalled{fill:#e3c35a}.span.headroom{fill:#d5efd5}
.mark line,.mark path{stroke-width:2.5}.mark-sigterm line{stroke:#e07b00}.mark-shutdown line{stroke:#2a6fdb}
.mark-deadline line{stroke:#1d2330;stroke-dasharray:3 2;stroke-width:1.5}.mark-sigkill path{stroke:#c0182a;stroke-width:3}
.mark-exit circle{fill:#1d2330;stroke:#fff;stroke-width:1.5}.mark-exit.verdict-graceful circle{fill:#1f8f3a}
.mark-exit.verdict-killed circle{fill:#c0182a}.mark-exit.verdict-crashed circle{fill:#9b2fae}
.mark-exit.verdict-not-signalled circle{fill:#b08600}
table{border-collapse:collapse;margin:6px 0;font-size:12.5px}th,td{border:1px solid #d8dde6;padding:3px 7px;text-align:left}
th{background:#f0f2f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict-graceful{color:#1f8f3a;font-weight:600}.verdict-killed{color:#c0182a;font-weight:600}
.verdict-crashed{color:#9b2fae;font-weight:600}.verdict-not-signalled{color:#b08600;font-weight:600}
.invocations tr.outcome-success td:nth-child(4){color:#1f8f3a}.invocations tr:not(.outcome-success) td:nth-child(4){color:#c0182a}
tr.evidence-row td{background:#fbfbfd;color:#3a4252;padding:4px 10px 8px 22px}
p.evidence-line{margin:2px 0;font-family:ui-monospace,monospace;font-size:12px}
ul.evidence{margin:3px 0;padding-left:18px}ul.evidence li{margin:1px 0}
p.last-lines{margin:4px 0 2px}pre.last-lines,pre.error-message{margin:2px 0;padding:5px 8px;background:#f3f4f7;
border-left:3px solid #c9ced8;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}
pre.error-message{border-left-color:#c0182a;color:#1d2330}
.legend{color:#4a5263;font-size:12px}.key{display:inline-block;width:14px;height:10px;margin:0 4px 0 10px}
.key.init{background:#8fb3e8}.key.invocation{background:#4f7fd0}.key.shutdown{background:#c7cbd3}
.key.reset{background:#e9c46a}.key.cleanup{background:#7fbf7f}.key.headroom{background:#d5efd5}
b.sigterm{color:#e07b00}b.shutdown{color:#2a6fdb}b.sigkill{color:#c0182a}.diagnostics li{margin:3px 0}.empty{color:#6b7385}
)";

} // namespace

std::string html_report(const ReadReport& report)
{
    // Schema 1.5 on keeps each process's last lines: an older report's are not said to be none.
    const bool lines_kept = report.schema_minor() >= 5;
    std::string body;
    std::string title = "lambda-emu report";
    if (report.of_environments) {
        for (std::size_t i = 0; i < report.environments.size(); ++i) {
            body += environment_section(report.environments[i],
                                        "Environment " + std::to_string(report.environment_ids.at(i)), lines_kept);
            if (i == 0) title += ": " + markup_text(report.environments[i].function.name);
        }
        if (report.environments.empty()) body = "<p class=\"empty\">No environment was started.</p>";
    } else if (!report.environments.empty()) {
        body = environment_section(report.environments.front(), "The execution environment", lines_kept);
        title += ": " + markup_text(report.environments.front().function.name);
    }
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width\"><title>" +
           title + "</title><style>" + kStyle + "</style></head><body><h1>" + title + "</h1><p class=\"facts\">" +
           markup_text(report.generator) + " · schema " + markup_text(report.schema_version) + " · exit code " +
           std::to_string(report.exit_code) + "</p>" + body + "</body></html>\n";
}

std::string html_report(const std::string& json_report_text)
{
    return html_report(read_report(nlohmann::ordered_json::parse(json_report_text)));
}

} // namespace lambda_emu::report
