#include "shutdown_timeline.hpp"

#include "cleanup_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace lambda_emu::report {

namespace {

// The first signal of any kind: where the process's cleanup began.
std::optional<double> first_signal_ms(const core::ShutdownReport& report, const core::ProcessCleanup& process)
{
    std::optional<double> first;
    for (const auto& t : {process.sigterm_at, process.shutdown_event_at, process.sigkill_at}) {
        const auto offset = core::offset_ms(report, t);
        if (offset && (!first || *offset < *first)) first = offset;
    }
    return first;
}

} // namespace

std::string shutdown_timeline(const core::ShutdownReport& report, const Palette& palette)
{
    if (report.processes.empty()) return {};
    double scale = static_cast<double>(report.budget.phase.count());
    std::size_t name_width = 7;
    for (const auto& process : report.processes) {
        name_width = std::max(name_width, fitted(process.name).size());
        for (const auto& t : {process.sigterm_at, process.shutdown_event_at, process.sigkill_at,
                              process.exit_observed_at, process.deadline}) {
            if (const auto offset = core::offset_ms(report, t)) scale = std::max(scale, *offset);
        }
    }
    scale = std::max(scale, 1.0);
    const auto column = [scale](double ms) {
        return std::clamp(static_cast<int>(std::lround(ms / scale * kTimelineWidth)), 0, kTimelineWidth);
    };

    char heading[200];
    std::snprintf(heading, sizeof heading,
                  "  timeline, 0 to %.0f ms (%.3g ms a column): T SIGTERM, S SHUTDOWN, K SIGKILL, x exit,", scale,
                  scale / kTimelineWidth);
    std::string text = palette.dim(heading) + "\n" + palette.dim("    | deadline, = cleanup, . headroom") + "\n";
    for (const auto& process : report.processes) {
        std::string bar(kTimelineWidth + 1, ' ');
        std::string note;
        if (process.exited_before_shutdown) {
            note = "exited before the phase";
        } else {
            const auto start = first_signal_ms(report, process);
            const auto exit = core::offset_ms(report, process.exit_observed_at);
            const auto deadline = core::offset_ms(report, process.deadline);
            const auto kill = core::offset_ms(report, process.sigkill_at);
            if (start) {
                const auto end = exit ? *exit : kill ? *kill : scale;
                for (int c = column(*start); c <= column(end); ++c) bar[c] = '=';
            }
            if (const auto headroom = core::headroom_ms(process)) {
                for (int c = column(*exit); c <= column(*deadline); ++c) bar[c] = '.';
                char words[64];
                std::snprintf(words, sizeof words, "headroom %.1f ms", *headroom);
                note = words;
            }
            if (deadline) bar[column(*deadline)] = '|';
            // The events in time order; one that falls in an earlier event's column takes the next
            // one, so that every event shows (SHUTDOWN then a quick exit are often 0.5 column apart).
            std::vector<std::pair<double, char>> events;
            if (const auto t = core::offset_ms(report, process.sigterm_at)) events.emplace_back(*t, 'T');
            if (const auto t = core::offset_ms(report, process.shutdown_event_at)) events.emplace_back(*t, 'S');
            if (kill) events.emplace_back(*kill, 'K');
            if (exit) events.emplace_back(*exit, 'x');
            std::stable_sort(events.begin(), events.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
            int previous = -1;
            for (const auto& [at, letter] : events) {
                const int c = std::min(std::max(column(at), previous + 1), kTimelineWidth);
                bar[c] = letter;
                previous = c;
            }
            if (kill) {
                note = process.verdict == core::Verdict::NotSignalled ? "killed, no notice (Lambda's rule)"
                                                                      : "killed at its deadline";
            }
            if (!exit) note = "exit not observed";
        }
        while (!bar.empty() && bar.back() == ' ') bar.pop_back();
        bar.resize(kTimelineWidth + 1, ' ');
        const std::string name = fitted(process.name);
        text += "  " + palette.label(process, name) + std::string(name_width - name.size() + 2, ' ') +
                palette.verdict(process.verdict, bar) + "  " + note + "\n";
    }
    return text;
}

} // namespace lambda_emu::report
