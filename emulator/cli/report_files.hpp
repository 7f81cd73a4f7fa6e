#pragma once
// Writing --report and --junit at the end of a run; what could not be written is said on the
// console and makes the exit code 6.
#include "report/console.hpp"

#include <string>

namespace lambda_emu {

// Returns false when a file could not be written. Empty paths are skipped.
bool write_report_file(report::Console& console, const std::string& path, const std::string& content, const char* what);

} // namespace lambda_emu
