#pragma once
// Words for what the processes printed after an invocation had ended (LateOutput): the work that
// went on after the response, which Lambda's freeze delays to the next thaw or stops for good.
#include "run_record.hpp"

#include <string>

namespace lambda_emu::report {

// Empty when nothing was printed; `frozen`: the environment was frozen (not --no-freeze).
std::string late_output_diagnostic(const LateOutput& late, const std::string& request_id, bool frozen);

} // namespace lambda_emu::report
