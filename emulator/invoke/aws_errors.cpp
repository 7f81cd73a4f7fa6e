#include "aws_errors.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::invoke {

http::Response aws_error(http::Status status, const std::string& code, const std::string& message)
{
    nlohmann::ordered_json body;
    body["Type"] = static_cast<unsigned>(status) >= 500 ? "Service" : "User";
    body["message"] = message;
    auto response = http::make_response(status, core::json_text(body), "application/json");
    response.set("x-amzn-ErrorType", code);
    return response;
}

} // namespace lambda_emu::invoke
