#include "markdown_summary.hpp"

#include "core/utf8.hpp"
#include "shutdown_summary.hpp"

#include <cstdio>
#include <deque>
#include <map>

namespace lambda_emu::report {

namespace {

// Enough for a typical run (a runtime and an extension or two, a reset) in about 40 lines.
constexpr std::size_t kTableRows = 12;
constexpr std::size_t kListedFailures = 8;
constexpr std::size_t kMessageChars = 300;

std::string summary_ms(const std::optional<double>& ms, int decimals = 1)
{
    if (!ms) return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.*f ms", decimals, *ms);
    return text;
}

std::string shortened(const std::string& text)
{
    if (text.size() <= kMessageChars) return text;
    return std::string{core::utf8_prefix(text, kMessageChars)} + "...";
}

std::string plural(std::uint64_t count, const char* one, const char* many)
{
    return std::to_string(count) + " " + (count == 1 ? one : many);
}

// Per function (serve may serve several): environments, Init attempts and invocations.
std::string function_counts(const std::vector<NumberedRecord>& environments)
{
    struct Counts {
        std::uint64_t environments = 0, inits = 0, failed_inits = 0, invocations = 0, succeeded = 0;
    };
    std::map<std::string, Counts> by_function;
    for (const auto& [number, record] : environments) {
        auto& counted = by_function[record->function.name];
        ++counted.environments;
        for (const auto& init : record->inits) {
            ++counted.inits;
            counted.failed_inits += init.status == core::InitStatus::Success ? 0 : 1;
        }
        const auto& summary = record->invocation_summary;
        counted.invocations += summary.count;
        if (const auto found = summary.by_outcome.find("success"); found != summary.by_outcome.end())
            counted.succeeded += found->second;
        if (const auto found = summary.by_outcome.find("none"); found != summary.by_outcome.end())
            counted.succeeded += found->second; // never answered: not a failure, as in JUnit
    }
    std::string text;
    for (const auto& [name, counted] : by_function) {
        text += "**" + markdown_text(name) + "**: " + plural(counted.environments, "environment", "environments") +
                ", " + plural(counted.inits, "Init", "Inits") +
                (counted.failed_inits ? " (" + std::to_string(counted.failed_inits) + " failed)" : "") + ", " +
                plural(counted.invocations, "invocation", "invocations") + ": " + std::to_string(counted.succeeded) +
                " done, " + std::to_string(counted.invocations - counted.succeeded) + " failed\n\n";
    }
    return text;
}

struct Row {
    int environment;
    const core::ShutdownReport* shutdown;
    const core::ProcessCleanup* process;
};

std::string shutdown_table(const std::vector<NumberedRecord>& environments)
{
    // At the JSON report's resolution, as the cleanup table: `report --summary` writes the same.
    std::deque<core::ShutdownReport> rounded;
    std::vector<Row> rows;
    for (const auto& [number, record] : environments)
        for (const auto& shutdown : record->shutdowns) {
            rounded.push_back(at_report_resolution(shutdown));
            for (const auto& process : rounded.back().processes)
                if (!process.exited_before_shutdown) rows.push_back({number, &rounded.back(), &process});
        }
    if (rows.empty()) return "### Shutdown phase\n\nNo process was shut down.\n\n";
    // Past the table's size, the killed and crashed ones are shown first; the rest are counted.
    std::vector<bool> shown(rows.size(), false);
    std::size_t shown_count = 0;
    for (const bool failed_first : {true, false})
        for (std::size_t i = 0; i < rows.size() && shown_count < kTableRows; ++i)
            if (!shown[i] && (!failed_first || core::unclean_shutdown(*rows[i].process))) {
                shown[i] = true;
                ++shown_count;
            }
    std::string text = "### Shutdown phase\n\n| environment | process | verdict | cleanup | deadline |\n"
                       "|---:|---|---|---:|---:|\n";
    std::map<std::string, std::size_t> not_shown;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& [number, shutdown, process] = rows[i];
        const std::string verdict = core::to_string(process->verdict);
        if (!shown[i]) {
            ++not_shown[verdict];
            continue;
        }
        const std::string phase =
            shutdown->final ? "" : " (reset, " + std::string{core::to_string(shutdown->reason)} + ")";
        text += "| " + std::to_string(number) + " | " + markdown_text(process_words(*process) + phase) + " | " +
                (core::unclean_shutdown(*process) ? "**" + verdict + "**" : verdict) + " | " +
                summary_ms(core::cleanup_duration_ms(*process)) + " | " +
                summary_ms(core::offset_ms(*shutdown, process->deadline), 0) + " |\n";
    }
    if (!not_shown.empty()) {
        std::string rest;
        for (const auto& [verdict, count] : not_shown)
            rest += (rest.empty() ? "" : ", ") + std::to_string(count) + " " + verdict;
        text += "\n... and " + plural(rows.size() - shown_count, "more process", "more processes") + ": " + rest +
                " (the JUnit and JSON reports list each).\n";
    }
    return text + "\n";
}

std::string failure_list(const std::vector<NumberedRecord>& environments)
{
    std::string list;
    std::size_t count = 0;
    for (const auto& numbered : environments) {
        for (const auto& test : test_suite(numbered).cases) {
            if (!test.failure) continue;
            if (++count > kListedFailures) continue;
            list += "- **" + markdown_text(test.name) + "** (environment " + std::to_string(numbered.environment) +
                    "): " + markdown_text(shortened(test.failure->message)) + "\n";
        }
    }
    if (count == 0) return {};
    if (count > kListedFailures)
        list += "- ... and " + std::to_string(count - kListedFailures) +
                " more (the JUnit report has each, with the process's last lines)\n";
    return "### Failures\n\n" + list;
}

} // namespace

std::string markdown_text(const std::string& raw)
{
    std::string out;
    for (const char c : raw) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '\n':
        case '\r': out += ' '; break;
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '|':
        case '#':
        case '~':
            out += '\\';
            out += c;
            break;
        default: out += c;
        }
    }
    return out;
}

std::string markdown_summary(const std::vector<NumberedRecord>& environments, int exit_code,
                             const std::string& exit_reason)
{
    std::string text = "## lambda-emu: " + std::string{exit_code == 0 ? "passed" : "failed"} + ", exit code " +
                       std::to_string(exit_code) + "\n\n";
    if (!exit_reason.empty()) text += markdown_text(exit_reason) + "\n\n";
    if (environments.empty()) return text + "No execution environment was started.\n";
    return text + function_counts(environments) + shutdown_table(environments) + failure_list(environments);
}

} // namespace lambda_emu::report
