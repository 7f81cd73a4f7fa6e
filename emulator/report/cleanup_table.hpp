#pragma once
// The cleanup report for people: one row per process of a Shutdown phase, then the
// diagnostics in plain words.
#include "colour.hpp"
#include "core/shutdown.hpp"

#include <string>

namespace lambda_emu::report {

// `palette`: the process names and verdicts in colour, when on (colour.hpp).
std::string cleanup_table(const core::ShutdownReport& report, const Palette& palette = Palette{});

} // namespace lambda_emu::report
