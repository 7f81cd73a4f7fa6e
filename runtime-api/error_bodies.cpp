#include "error_bodies.hpp"
#include "core/json_text.hpp"

#include "http/base64.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::runtime_api {

namespace {

constexpr std::string_view kErrorCauseContentType = "application/vnd.aws.lambda.error.cause+json";

// The caller gets the body as posted (docs/lambda-rules.md §1.5), under a type that does not lie about it:
// the runtime's own, unless it is missing or claims JSON for what is not JSON; then RAPID's choice
// for an init error body (docs/lambda-rules.md §1.6): application/json if it parses, else application/octet-stream.
std::string passed_on_content_type(std::string_view posted_type, const std::string& body)
{
    const bool is_json = nlohmann::json::accept(body);
    const bool claims_json = posted_type.find("json") != std::string_view::npos;
    if (!posted_type.empty() && (is_json || !claims_json)) return std::string{posted_type};
    return is_json ? "application/json" : "application/octet-stream";
}

} // namespace

core::RuntimeError read_posted_error(http::Request& request)
{
    core::RuntimeError error;
    error.error_type = std::string{request["Lambda-Runtime-Function-Error-Type"]};
    const auto content_type = request[boost::beast::http::field::content_type];
    if (content_type == kErrorCauseContentType) {
        auto parsed = nlohmann::ordered_json::parse(request.body().bytes, nullptr, false);
        if (parsed.is_object()) {
            parsed.erase("errorCause");
            error.body = core::make_payload(core::json_text(parsed));
        } else {
            error.body = core::make_payload(R"("Invalid error body")");
        }
        error.content_type = "application/json";
        return error;
    }
    error.content_type = passed_on_content_type(content_type, request.body().bytes);
    error.body = core::make_payload(std::move(request.body().bytes));
    return error;
}

core::RuntimeError stream_error_from_trailers(const std::string& error_type, const std::string& base64_body)
{
    core::RuntimeError error;
    error.error_type = error_type;
    // Not base64 after all: the text itself is the best account of the error there is.
    const std::string decoded = http::base64_decode(base64_body).value_or(base64_body);
    const auto parsed = nlohmann::json::parse(decoded, nullptr, false);
    error.body = core::make_payload(parsed.is_object() ? decoded : core::error_json(error_type, decoded));
    return error;
}

} // namespace lambda_emu::runtime_api
