#include "error_bodies.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

namespace lambda_emu::runtime_api {

namespace {

constexpr std::string_view kErrorCauseContentType = "application/vnd.aws.lambda.error.cause+json";

std::string decode_base64(const std::string& text)
{
    namespace base64 = boost::beast::detail::base64;
    std::string decoded(base64::decoded_size(text.size()), '\0');
    const auto [written, read] = base64::decode(decoded.data(), text.data(), text.size());
    (void)read;
    decoded.resize(written);
    return decoded;
}

} // namespace

core::RuntimeError read_posted_error(http::Request& request)
{
    core::RuntimeError error;
    error.error_type = std::string{request["Lambda-Runtime-Function-Error-Type"]};
    const auto content_type = request[boost::beast::http::field::content_type];
    error.content_type = content_type.empty() ? "application/json" : std::string{content_type};
    if (content_type == kErrorCauseContentType) {
        auto parsed = nlohmann::ordered_json::parse(request.body().bytes, nullptr, false);
        if (parsed.is_object()) {
            parsed.erase("errorCause");
            error.body = core::make_payload(parsed.dump());
        } else {
            error.body = core::make_payload(R"("Invalid error body")");
        }
        error.content_type = "application/json";
        return error;
    }
    error.body = core::make_payload(std::move(request.body().bytes));
    return error;
}

core::RuntimeError stream_error_from_trailers(const std::string& error_type, const std::string& base64_body)
{
    core::RuntimeError error;
    error.error_type = error_type;
    const std::string decoded = decode_base64(base64_body);
    const auto parsed = nlohmann::json::parse(decoded, nullptr, false);
    error.body = core::make_payload(parsed.is_object() ? decoded : core::error_json(error_type, decoded));
    return error;
}

} // namespace lambda_emu::runtime_api
