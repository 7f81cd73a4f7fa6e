#pragma once
// The cleanup report for people: one row per process of a Shutdown phase, then the
// diagnostics in plain words.
#include "core/shutdown.hpp"

#include <string>

namespace lambda_emu::report {

std::string cleanup_table(const core::ShutdownReport& report);

} // namespace lambda_emu::report
