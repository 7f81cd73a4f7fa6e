#pragma once
// Core values -> HTTP responses of the Extensions API.
#include "core/extension.hpp"
#include "http/message.hpp"

#include <string>

namespace lambda_emu::extensions_api {

// 200, `Lambda-Extension-Identifier`, and functionName/functionVersion/handler (+ accountId).
http::Response render_registration(const core::Registration& registration, bool with_account_id);
// The INVOKE or SHUTDOWN event JSON, field by field as RAPID renders it.
http::Response render_event(const core::ExtensionEvent& event);
std::string event_json(const core::ExtensionEvent& event);
// 403 (500 for none of ours) with `{"errorMessage","errorType"}`.
http::Response render_refusal(const core::ExtensionCallError& error);
http::Response render_refusal(const char* error_type, const std::string& message);

} // namespace lambda_emu::extensions_api
