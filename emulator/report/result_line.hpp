#pragma once
// One JSON line per invocation on stdout, for scripts: the request id, whether it was a
// function error (and of which type) and the payload (as JSON when it is JSON).
#include "core/invocation.hpp"

#include <string>

namespace lambda_emu::report {

std::string result_line(const core::InvokeResult& result);

} // namespace lambda_emu::report
