#pragma once
// What people read at the end of a Shutdown phase: the cleanup table, then its timeline. The run
// prints it as the phase ends; `lambda-emu report --table` prints it again from the JSON report,
// and both show the same characters: every time is taken at the JSON report's resolution (0.1 ms
// from the phase's start) before anything is computed from it.
#include "colour.hpp"
#include "core/shutdown.hpp"

#include <chrono>
#include <cmath>
#include <string>

namespace lambda_emu::report {

// The report with each instant rounded to 0.1 ms from the phase's start, as the JSON report
// writes it, so durations computed from it are the same whether from memory or from the file.
// A duration written in the JSON report (milliseconds, 0.1 ms resolution) as the steady clock's.
inline std::chrono::steady_clock::duration from_report_ms(double ms)
{
    return std::chrono::nanoseconds{std::llround(ms * 1e6)};
}

core::ShutdownReport at_report_resolution(const core::ShutdownReport& report);

std::string shutdown_summary(const core::ShutdownReport& report, const Palette& palette = Palette{});

} // namespace lambda_emu::report
