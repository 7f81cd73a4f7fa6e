#pragma once
// Whose output line it is: a process of the environment (the runtime, or an external extension),
// or none for the platform's own lines that are not lifecycle events, such as TELEMETRY. The text
// label printed before a line is made from it only when the line is printed
// (report/process_lines.hpp's output_label).
#include "core/process_identity.hpp"

#include <optional>

namespace lambda_emu {

using LineSource = std::optional<core::ProcessIdentity>;
// The platform's own lines come from no process.
inline constexpr std::nullopt_t kPlatformLine = std::nullopt;

} // namespace lambda_emu
