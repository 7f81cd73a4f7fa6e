#pragma once
// Lambda takes any JSON value as an event; what is not JSON is refused with the parser's words.
#include <optional>
#include <string>

namespace lambda_emu::invoke {

// Nothing when `bytes` is JSON; else why not ("[json.exception.parse_error.101] ...").
std::optional<std::string> json_problem(const std::string& bytes);

} // namespace lambda_emu::invoke
