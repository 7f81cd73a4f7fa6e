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

using json = nlohmann::ordered_json;

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

std::string text_of(const json& value)
{
    if (value.is_null()) return "-";
    if (value.is_string()) return markup_text(value.get<std::string>());
    if (value.is_number_float()) return number(value.get<double>());
    return markup_text(value.dump());
}

std::optional<double> optional_number(const json& entry, const char* key)
{
    if (!entry.contains(key) || entry.at(key).is_null()) return std::nullopt;
    return entry.at(key).get<double>();
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
std::vector<std::string> process_names(const json& run)
{
    std::vector<std::string> names{"runtime"};
    const auto add = [&names](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    };
    for (const auto& extension : run.at("environment").at("extensions")) add(extension.at("name").get<std::string>());
    for (const auto& shutdown : run.at("shutdowns"))
        for (const auto& process : shutdown.at("processes")) add(process.at("name").get<std::string>());
    return names;
}

const json* process_in(const json& shutdown, const std::string& name)
{
    for (const auto& process : shutdown.at("processes"))
        if (process.at("name") == name) return &process;
    return nullptr;
}

// The marks of one process in one Shutdown phase, `origin` being the phase's start on the axis.
std::string shutdown_marks(const Axis& axis, double y, double origin, const json& process)
{
    std::string svg;
    const auto at = [&](const char* key) { return optional_number(process, key); };
    const auto first_signal = [&]() {
        std::optional<double> first;
        for (const char* key : {"sigtermMs", "shutdownEventMs", "sigkillMs"})
            if (auto t = at(key); t && (!first || *t < *first)) first = t;
        return first;
    }();
    const auto exit = at("exitObservedMs");
    const auto deadline = at("deadlineMs");
    const auto kill = at("sigkillMs");
    const std::string verdict = process.at("verdict").get<std::string>();
    if (first_signal) {
        const double end = exit ? *exit : kill ? *kill : *first_signal;
        svg += span_rect(axis, y, origin + *first_signal, origin + end, "cleanup verdict-" + verdict,
                         "cleanup " + number(end - *first_signal) + " ms (" + verdict + ")");
    }
    if (exit && deadline && !kill && *deadline > *exit) {
        svg += span_rect(axis, y, origin + *exit, origin + *deadline, "headroom",
                         "headroom " + number(*deadline - *exit) + " ms");
    }
    if (deadline) svg += mark(axis, y, origin + *deadline, "deadline", "deadline at " + number(*deadline) + " ms");
    if (auto t = at("sigtermMs")) svg += mark(axis, y, origin + *t, "sigterm", "SIGTERM at " + number(*t) + " ms");
    if (auto t = at("shutdownEventMs"))
        svg += mark(axis, y, origin + *t, "shutdown", "SHUTDOWN event at " + number(*t) + " ms");
    if (kill) svg += mark(axis, y, origin + *kill, "sigkill", "SIGKILL at " + number(*kill) + " ms");
    if (exit) {
        svg += mark(axis, y, origin + *exit, "exit verdict-" + verdict,
                    "exit observed at " + number(*exit) + " ms: " +
                        text_of(process.at("exit").is_null() ? json(nullptr) : process.at("exit").at("description")) +
                        ", " + verdict);
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
std::string lifecycle(const json& run, const std::vector<std::string>& names)
{
    double first = 0, last = 0;
    bool any = false;
    const auto cover = [&](double from, double to) {
        first = any ? std::min(first, from) : from;
        last = any ? std::max(last, to) : to;
        any = true;
    };
    for (const auto& init : run.at("inits"))
        if (auto t = optional_number(init, "startedAtEpochMs")) cover(*t, *t + init.at("durationMs").get<double>());
    for (const auto& invocation : run.at("invocations"))
        if (auto t = optional_number(invocation, "startedAtEpochMs"))
            cover(*t, *t + invocation.at("durationMs").get<double>());
    for (const auto& shutdown : run.at("shutdowns")) {
        const double start = shutdown.at("startedAtEpochMs").get<double>();
        double end = start + shutdown.at("durationMs").get<double>();
        for (const auto& process : shutdown.at("processes"))
            for (const char* key : {"exitObservedMs", "deadlineMs", "sigkillMs"})
                if (auto t = optional_number(process, key)) end = std::max(end, start + *t);
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
        for (const auto& init : run.at("inits")) {
            const auto t = optional_number(init, "startedAtEpochMs");
            if (!t) continue;
            const std::string status = init.at("status").get<std::string>();
            svg += span_rect(axis, y, *t, *t + init.at("durationMs").get<double>(), "init status-" + status,
                             "Init (" + markup_text(init.at("phase").get<std::string>()) + "): " + status + ", " +
                                 number(init.at("durationMs").get<double>()) + " ms");
        }
        if (i == 0) {
            for (const auto& invocation : run.at("invocations")) {
                const auto t = optional_number(invocation, "startedAtEpochMs");
                if (!t) continue;
                const std::string outcome =
                    invocation.at("outcome").is_null() ? "none" : invocation.at("outcome").get<std::string>();
                svg += span_rect(axis, y, *t, *t + invocation.at("durationMs").get<double>(),
                                 "invocation outcome-" + outcome,
                                 "invocation " + markup_text(invocation.at("requestId").get<std::string>()) + ": " +
                                     outcome + ", " + number(invocation.at("durationMs").get<double>()) + " ms");
            }
        }
        for (const auto& shutdown : run.at("shutdowns")) {
            const double start = shutdown.at("startedAtEpochMs").get<double>();
            const bool final = shutdown.at("final").get<bool>();
            const std::string reason = shutdown.at("reason").get<std::string>();
            svg += span_rect(axis, y, start, start + shutdown.at("durationMs").get<double>(),
                             final ? "shutdown" : "shutdown reset",
                             std::string{final ? "Shutdown" : "Reset"} + " (" + markup_text(reason) + ")");
            if (const auto* process = process_in(shutdown, name)) svg += shutdown_marks(axis, y, start, *process);
        }
        svg += "</g>";
    }
    return svg + "</svg>";
}

// One Shutdown phase to its own scale: offsets from its start, up to its budget or last event.
std::string shutdown_detail(const json& shutdown)
{
    const auto& processes = shutdown.at("processes");
    // Nothing to draw when no process took part (a reset after a crash): the table says so.
    if (std::all_of(processes.begin(), processes.end(),
                    [](const json& process) { return process.at("exitedBeforeShutdown").get<bool>(); }))
        return {};
    double scale = shutdown.at("budget").at("phaseMs").get<double>();
    scale = std::max(scale, shutdown.at("durationMs").get<double>());
    for (const auto& process : processes)
        for (const char* key : {"sigtermMs", "shutdownEventMs", "sigkillMs", "exitObservedMs", "deadlineMs"})
            if (auto t = optional_number(process, key)) scale = std::max(scale, *t);
    const Axis axis{0, std::max(scale * 1.04, 1.0)};
    std::string svg = svg_open("shutdown-phase", processes.size(), "the Shutdown phase, one row per process");
    svg += ticks(axis, kAxisHeight + static_cast<double>(processes.size()) * kRowHeight, " from the phase's start");
    for (std::size_t i = 0; i < processes.size(); ++i) {
        const auto& process = processes[i];
        const double y = kAxisHeight + static_cast<double>(i) * kRowHeight;
        svg += row_frame(y, i, process.at("name").get<std::string>(), process.at("kind").get<std::string>());
        if (process.at("exitedBeforeShutdown").get<bool>()) {
            svg += "<text class=\"row-note\" x=\"" + number(kLabelWidth + 6) + "\" y=\"" +
                   number(y + kRowHeight / 2 + 4) + "\">exited before the phase</text>";
        }
        svg += shutdown_marks(axis, y, 0, process) + "</g>";
    }
    return svg + "</svg>";
}

// One row a process, and under it the evidence of what it was doing and its last lines.
std::string cleanup_rows(const json& shutdown)
{
    const auto& processes = shutdown.at("processes");
    if (processes.empty()) return "<p class=\"empty\">No process was running.</p>";
    const core::ShutdownReport read = read_shutdown(shutdown);
    std::string html = "<table class=\"cleanup\"><thead><tr><th>process</th><th>kind</th><th>pid</th><th>SIGTERM</th>"
                       "<th>SHUTDOWN</th><th>SIGKILL</th><th>exited</th><th>cleanup ms</th><th>deadline</th>"
                       "<th>headroom</th><th>exit</th><th>verdict</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < processes.size(); ++i) {
        const auto& process = processes[i];
        const std::string verdict = process.at("verdict").get<std::string>();
        html += "<tr><td>" + text_of(process.at("name")) + "</td><td>" + text_of(process.at("kind")) + "</td><td>" +
                text_of(process.at("pid")) + "</td>";
        for (const char* key : {"sigtermMs", "shutdownEventMs", "sigkillMs", "exitObservedMs", "cleanupDurationMs",
                                "deadlineMs", "headroomMs"})
            html += "<td class=\"num\">" + text_of(process.at(key)) + "</td>";
        html += "<td>" +
                (process.at("exit").is_null() ? std::string{"not observed"}
                                              : text_of(process.at("exit").at("description"))) +
                "</td><td class=\"verdict verdict-" + verdict + "\">" + markup_text(verdict) + "</td></tr>";
        const bool lines_kept = process.contains("evidence") && process.at("evidence").contains("lastLines");
        html += "<tr class=\"evidence-row\"><td colspan=\"12\">" +
                evidence_html(read, read.processes.at(i), lines_kept) + "</td></tr>";
    }
    return html + "</tbody></table>";
}

std::string invocations_table(const json& run)
{
    const auto& invocations = run.at("invocations");
    if (invocations.empty()) return "<p class=\"empty\">No invocation.</p>";
    std::string html = "<table class=\"invocations\"><thead><tr><th>#</th><th>request id</th><th>event</th>"
                       "<th>outcome</th><th>status</th><th>error type</th><th>duration ms</th><th>billed ms</th>"
                       "<th>memory MB</th><th>max used MB</th><th>init ms</th></tr></thead><tbody>";
    auto number_of = run.value("invocationsNotKept", std::uint64_t{0});
    for (const auto& invocation : invocations) {
        const std::string outcome =
            invocation.at("outcome").is_null() ? "none" : invocation.at("outcome").get<std::string>();
        // A retry of an asynchronous event (schema 1.6 on) keeps its request id: the attempt tells them apart.
        const int attempt = invocation.value("attempt", 1);
        const std::string retry = attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : "";
        html += "<tr class=\"outcome-" + outcome + "\"><td>" + std::to_string(++number_of) + "</td><td>" +
                text_of(invocation.at("requestId")) + "</td><td>" + text_of(invocation.at("event")) + retry +
                "</td><td>" + markup_text(outcome) + "</td><td>" + text_of(invocation.at("status")) + "</td><td>" +
                text_of(invocation.at("errorType")) + "</td>";
        for (const char* key : {"durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB", "initDurationMs"})
            html += "<td class=\"num\">" + text_of(invocation.at(key)) + "</td>";
        html += "</tr>";
    }
    html += "</tbody></table>";
    if (auto not_kept = run.value("invocationsNotKept", std::uint64_t{0}); not_kept > 0)
        html += "<p>" + std::to_string(not_kept) + " older invocations are not kept in full (see the summary).</p>";
    return html;
}

std::string environment_section(const json& run, const std::string& heading)
{
    const auto& function = run.at("function");
    std::string html = "<section class=\"environment\"><h2>" + heading + "</h2>";
    html += "<p class=\"facts\">function <b>" + text_of(function.at("name")) + "</b> · handler " +
            text_of(function.at("handler")) + " · " + text_of(function.at("memorySizeMB")) + " MB · timeout " +
            text_of(function.at("timeoutMs")) + " ms · bootstrap <code>" +
            text_of(run.at("environment").at("bootstrap")) + "</code> · exit code " + text_of(run.at("exitCode")) +
            (run.value("exitReason", std::string{}).empty() ? std::string{} : ": " + text_of(run.at("exitReason"))) +
            "</p>";
    const auto names = process_names(run);
    html += "<h3>Life on a time axis</h3>" + lifecycle(run, names);
    html += "<p class=\"legend\"><span class=\"key init\"></span>Init <span class=\"key invocation\"></span>invocation "
            "<span class=\"key shutdown\"></span>Shutdown phase <span class=\"key reset\"></span>reset "
            "<span class=\"key cleanup\"></span>cleanup <span class=\"key headroom\"></span>headroom · marks: "
            "<b class=\"sigterm\">|</b> SIGTERM, <b class=\"shutdown\">|</b> SHUTDOWN, <b class=\"sigkill\">✕</b> "
            "SIGKILL, <b>●</b> exit, <b class=\"deadline\">┆</b> deadline</p>";
    std::string diagnostics;
    std::size_t init_index = 0;
    for (const auto& init : run.at("inits")) {
        ++init_index;
        if (init.value("status", "success") == "success") continue;
        // The error's message as the runtime posted it (or the emulator's words for an exit),
        // every line of it: Node.js's runs on with "Require stack:".
        const json message = init.value("errorMessage", json{});
        diagnostics +=
            "<li class=\"init-error\">Init " + std::to_string(init_index) + " (" +
            text_of(init.value("phase", json{})) + "): " + text_of(init.value("status", json{})) +
            (init.contains("errorType") && !init.at("errorType").is_null() ? ", " + text_of(init.at("errorType"))
                                                                           : std::string{}) +
            " after " + text_of(init.at("durationMs")) + " ms" +
            (message.is_string() ? "<pre class=\"error-message\">" + text_of(message) + "</pre>" : std::string{}) +
            "</li>";
    }
    std::size_t index = 0;
    for (const auto& shutdown : run.at("shutdowns")) {
        const auto& budget = shutdown.at("budget");
        html += "<h3>" + std::string{shutdown.at("final").get<bool>() ? "Shutdown" : "Reset"} + " " +
                std::to_string(++index) + " (" + text_of(shutdown.at("reason")) + "): runtime share " +
                text_of(budget.at("runtimeShareMs")) + " ms, phase " + text_of(budget.at("phaseMs")) + " ms, SIGTERM " +
                (budget.at("sigterm").get<bool>() ? "yes" : "no") + " [" + text_of(budget.at("source")) + "]</h3>";
        html += shutdown_detail(shutdown) + cleanup_rows(shutdown);
        for (const auto& note : shutdown.at("diagnostics"))
            diagnostics += "<li>Shutdown " + std::to_string(index) + ": " + text_of(note) + "</li>";
        for (const auto& escaped : shutdown.value("escapedProcesses", json::array()))
            diagnostics += "<li>Shutdown " + std::to_string(index) + ": escaped process " +
                           text_of(escaped.at("command")) + " (pid " + text_of(escaped.at("pid")) + ") was killed</li>";
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

std::string html_report(const json& report)
{
    std::string body;
    std::string title = "lambda-emu report";
    if (report.contains("environments")) {
        for (const auto& environment : report.at("environments")) {
            body += environment_section(environment.at("report"), "Environment " + text_of(environment.at("id")));
            if (title == "lambda-emu report")
                title += ": " + text_of(environment.at("report").at("function").at("name"));
        }
        if (report.at("environments").empty()) body = "<p class=\"empty\">No environment was started.</p>";
    } else {
        body = environment_section(report, "The execution environment");
        title += ": " + text_of(report.at("function").at("name"));
    }
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width\"><title>" +
           title + "</title><style>" + kStyle + "</style></head><body><h1>" + title + "</h1><p class=\"facts\">" +
           text_of(report.at("generator")) + " · schema " + text_of(report.at("schemaVersion")) + " · exit code " +
           text_of(report.at("exitCode")) + "</p>" + body + "</body></html>\n";
}

} // namespace lambda_emu::report
