#include "commands.hpp"

#include "command_steps.hpp"
#include "exit_codes.hpp"
#include "run_end.hpp"
#include "report/colour.hpp"
#include "report/console.hpp"
#include "report/html_report.hpp"
#include "report/junit.hpp"
#include "report/markdown_summary.hpp"
#include "report/report_reader.hpp"
#include "report/shutdown_summary.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace lambda_emu {

int report_command(const ReportOptions& options)
{
    report::Console console;
    use_colour(console, options.colour);
    std::string text;
    if (options.report_path == "-") {
        text.assign(std::istreambuf_iterator<char>{std::cin}, {});
    } else {
        std::ifstream in{options.report_path, std::ios::binary};
        if (!in) return refuse(console, exit_codes::kUsage, "cannot read the report " + options.report_path);
        text.assign(std::istreambuf_iterator<char>{in}, {});
    }
    const auto document = nlohmann::ordered_json::parse(text, nullptr, false);
    if (document.is_discarded())
        return refuse(console, exit_codes::kUsage, options.report_path + " is not JSON (expected a --report file)");
    auto read = report::read_report(document);
    if (!read.error.empty()) return refuse(console, exit_codes::kUsage, options.report_path + ": " + read.error);

    // The table goes to stdout here (the run printed it on stderr among its logs), coloured as
    // --color and stdout say.
    if (options.table || (options.html_path.empty() && options.junit_path.empty() && options.summary_path.empty())) {
        const auto mode = report::parse_colour_mode(options.colour).value_or(report::ColourMode::Auto);
        const report::Palette palette{report::colour_wanted(mode, stdout)};
        std::string tables;
        for (const auto& environment : read.environments)
            for (const auto& shutdown : environment.shutdowns) tables += report::shutdown_summary(shutdown, palette);
        std::fwrite(tables.data(), 1, tables.size(), stdout);
        std::fflush(stdout);
    }
    bool written = true;
    if (!options.html_path.empty()) {
        const std::string html = report::html_report(read);
        written &= write_report_file(console, options.html_path, html, "HTML report");
    }
    // The same names and the same words as the run's own, from the same records.
    if (!options.junit_path.empty())
        written &=
            write_report_file(console, options.junit_path, report::junit_report(read.numbered()), "JUnit report");
    if (!options.summary_path.empty()) {
        written &= write_report_file(console, options.summary_path,
                                     report::markdown_summary(read.numbered(), read.exit_code, read.exit_reason),
                                     "Markdown summary");
    }
    return written ? exit_codes::kSuccess : exit_codes::kEmulatorError;
}

} // namespace lambda_emu
