#pragma once
// The Lambda-Extension-Identifier checks every Extensions, Telemetry and Logs API call but
// register makes before the core sees it (docs/lambda-rules.md §2.4).
#include "http/message.hpp"

#include <optional>

namespace lambda_emu::extensions_api {

inline constexpr std::string_view kIdentifierHeader = "Lambda-Extension-Identifier";

// 403 with the error of a missing or malformed identifier, or nothing when it is a UUID.
std::optional<http::Response> refuse_identifier(const http::Request& request);

} // namespace lambda_emu::extensions_api
