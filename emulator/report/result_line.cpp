#include "result_line.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::report {

std::string result_line(const core::InvokeResult& result)
{
    nlohmann::ordered_json line;
    line["requestId"] = result.request_id;
    line["functionError"] =
        result.is_function_error() ? nlohmann::ordered_json("Unhandled") : nlohmann::ordered_json(nullptr);
    line["errorType"] =
        result.error_type.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(result.error_type);
    line["contentType"] = result.content_type;
    const std::string& bytes = result.payload ? *result.payload : std::string{};
    auto parsed = nlohmann::ordered_json::parse(bytes, nullptr, false);
    if (parsed.is_discarded()) line["payloadText"] = nlohmann::ordered_json(bytes);
    else line["payload"] = std::move(parsed);
    return core::json_text(line);
}

} // namespace lambda_emu::report
