#include "message.hpp"

namespace lambda_emu::http {

Response make_response(Status status, std::shared_ptr<const std::string> body, std::string_view content_type)
{
    Response response{status, 11};
    if (!content_type.empty()) response.set(boost::beast::http::field::content_type, content_type);
    response.body() = std::move(body);
    return response;
}

Response make_response(Status status, std::string body, const char* content_type)
{
    return make_response(status, std::make_shared<const std::string>(std::move(body)), content_type);
}

Response json_response(Status status, const std::string& json)
{
    return make_response(status, json + "\n", "application/json");
}

} // namespace lambda_emu::http
