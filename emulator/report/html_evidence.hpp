#pragma once
// The HTML report's words for one process of a Shutdown phase, under its row of the cleanup
// table: the table's own evidence line, each fact the phase's looks at its process tree found
// (the sockets, the CPU, where it waited, its last output and when), and its last lines of
// output, escaped.
#include "core/shutdown.hpp"

#include <string>

namespace lambda_emu::report {

// `lines_kept`: the report keeps the processes' last lines (schema 1.5 on); an older one's
// processes are not said to have printed nothing.
std::string evidence_html(const core::ShutdownReport& shutdown, const core::ProcessCleanup& process,
                          bool lines_kept = true);

} // namespace lambda_emu::report
