#pragma once
// The steps `run` and `serve` both take before their event loop runs, each a line of their story.
#include "report/console.hpp"

#include <string>

namespace lambda_emu {

// "error: MESSAGE" on the console; returns `code`, the command's exit code.
int refuse(report::Console& console, int code, const std::string& message);

// Makes the emulator a child subreaper, so no grandchild escapes to init; says on the console
// when it cannot (the run goes on).
void become_subreaper(report::Console& console);

// Colour on stderr as --color (auto|always|never, checked by the parser) and NO_COLOR say.
void use_colour(report::Console& console, const std::string& mode);

} // namespace lambda_emu
