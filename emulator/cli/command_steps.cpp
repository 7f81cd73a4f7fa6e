#include "command_steps.hpp"

#include "process/child_reaper.hpp"

namespace lambda_emu {

int refuse(report::Console& console, int code, const std::string& message)
{
    console.lifecycle("error: " + message);
    return code;
}

void become_subreaper(report::Console& console)
{
    if (auto error = process::ChildReaper::become_subreaper(); !error.empty()) console.lifecycle(error);
}

} // namespace lambda_emu
