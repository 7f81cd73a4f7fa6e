#include "runtime_calls.hpp"
#include "core/json_text.hpp"
#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <regex>

namespace lambda_emu::core {

std::string normalized_error_type(const std::string& posted)
{
    static const std::regex allowed{R"((Runtime|Function)\.[A-Z][a-zA-Z]+)"};
    if (std::regex_search(posted, allowed)) return posted;
    return posted.rfind("Function.", 0) == 0 ? "Function.Unknown" : "Runtime.Unknown";
}

RuntimeCallError response_too_large_refusal()
{
    return {RuntimeCallErrorKind::PayloadTooLarge,
            "Exceeded maximum allowed payload size (" + std::to_string(kMaxResponseBytes) + " bytes)."};
}

std::string response_too_large_caller_message()
{
    return "Response payload size exceeded maximum allowed payload size (" + std::to_string(kMaxResponseBytes) +
           " bytes).";
}

std::string error_json(const std::string& error_type, const std::string& error_message)
{
    nlohmann::ordered_json body;
    body["errorMessage"] = error_message;
    body["errorType"] = error_type;
    return core::json_text(body);
}

std::string error_message_of(const std::string& body, std::size_t limit)
{
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (!parsed.is_object()) return {};
    const auto message = parsed.find("errorMessage");
    if (message == parsed.end() || !message->is_string()) return {};
    return std::string{utf8_prefix(message->get_ref<const std::string&>(), limit)};
}

} // namespace lambda_emu::core
