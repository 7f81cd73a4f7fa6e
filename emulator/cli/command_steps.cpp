#include "command_steps.hpp"

#include "process/child_reaper.hpp"

namespace lambda_emu {

int refuse(report::Console& console, int code, const std::string& message)
{
    console.lifecycle("error: " + message);
    return code;
}

void use_colour(report::Console& console, const std::string& mode)
{
    const auto parsed = report::parse_colour_mode(mode).value_or(report::ColourMode::Auto);
    console.set_palette(report::Palette{report::colour_wanted(parsed, stderr)});
}

void become_subreaper(report::Console& console)
{
    if (auto error = process::ChildReaper::become_subreaper(); !error.empty()) console.lifecycle(error);
}

} // namespace lambda_emu
