#pragma once
// The cleanup report for people: one row per process of a Shutdown phase, then the
// diagnostics in plain words.
#include "colour.hpp"
#include "core/shutdown.hpp"

#include <cstddef>
#include <string>

namespace lambda_emu::report {

// The table and the timeline fit 100 columns: a longer name is cut to this many characters.
inline constexpr std::size_t kMaxNameWidth = 24;
// The process name as the table and the timeline show it: at most kMaxNameWidth, '~' where cut.
std::string fitted(const std::string& name);

// A process's second line in the table, also the HTML report's: how it ended and, in short, the
// evidence of what it was doing ("signal killed, runtime, pid 41, last output at 0.2, CPU 0.0 ms,
// open conns 0, parked /next").
std::string evidence_line(const core::ShutdownReport& report, const core::ProcessCleanup& process);

// `palette`: the process names and verdicts in colour, when on (colour.hpp).
std::string cleanup_table(const core::ShutdownReport& report, const Palette& palette = Palette{});

} // namespace lambda_emu::report
