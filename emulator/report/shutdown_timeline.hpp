#pragma once
// The Shutdown phase drawn to scale in text, one line per process under the cleanup table:
// when it was signalled, how long it took, where its deadline was, so headroom is seen.
#include "colour.hpp"
#include "core/shutdown.hpp"

#include <string>

namespace lambda_emu::report {

// Columns of the bar; the scale is the phase's budget, or the last event if later.
inline constexpr int kTimelineWidth = 40; // with the names and notes, within 100 columns

std::string shutdown_timeline(const core::ShutdownReport& report, const Palette& palette = Palette{});

} // namespace lambda_emu::report
