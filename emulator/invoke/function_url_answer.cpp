#include "function_url_answer.hpp"

#include "core/json_text.hpp"
#include "http/base64.hpp"

#include <boost/beast/core/string.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace lambda_emu::invoke {

namespace {

using Json = nlohmann::ordered_json;

core::RefusedAnswer refused(std::string message)
{
    return {kInvalidUrlResponse, "The function URL cannot send the function's answer: " + std::move(message)};
}

// A header value the function asked for, unless it could break the response's framing.
bool is_safe_field(std::string_view text)
{
    return text.find_first_of(std::string_view{"\r\n\0", 3}) == std::string_view::npos;
}

// RFC 9110 5.6.2: a field name is a token. Anything else (empty, a space, a colon) is not read
// back as the name the function meant, and may be read as another field or break the head.
bool is_token(std::string_view name)
{
    static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               kSymbols.find(c) != std::string_view::npos;
    });
}

// The emulator frames the response itself (a length, or chunks when streamed).
bool is_framing_field(std::string_view name)
{
    return boost::beast::iequals(name, "content-length") || boost::beast::iequals(name, "transfer-encoding") ||
           boost::beast::iequals(name, "connection");
}

// `headers` (strings, or numbers and booleans written as JSON) and `cookies` (each a Set-Cookie)
// of a structured answer or a streaming prelude. A field that cannot be sent as given is left
// out, not repaired: the function's other fields still reach the client.
void apply_headers_and_cookies(const Json& answer, http::Response& response)
{
    if (const auto headers = answer.find("headers"); headers != answer.end() && headers->is_object()) {
        for (const auto& [name, value] : headers->items()) {
            std::string text;
            if (value.is_string()) text = value.get<std::string>();
            else if (value.is_number() || value.is_boolean()) text = value.dump();
            else continue;
            if (!is_token(name) || !is_safe_field(text) || is_framing_field(name)) continue;
            response.set(name, text);
        }
    }
    if (const auto cookies = answer.find("cookies"); cookies != answer.end() && cookies->is_array()) {
        for (const auto& cookie : *cookies) {
            if (cookie.is_string() && is_safe_field(cookie.get_ref<const std::string&>())) {
                response.insert(boost::beast::http::field::set_cookie, cookie.get<std::string>());
            }
        }
    }
}

// Only a final status: a 1xx is interim (RFC 9110 15.2), a promise of a final answer that would
// never come, so the client would wait for it until its own timeout.
std::optional<http::Status> final_status(const Json& answer)
{
    const auto code = answer.find("statusCode");
    if (code == answer.end()) return http::Status::ok;
    if (!code->is_number_integer()) return std::nullopt;
    const auto value = code->get<std::int64_t>();
    if (value < 200 || value > 599) return std::nullopt;
    return static_cast<http::Status>(value);
}

} // namespace

bool is_bodiless(http::Status status)
{
    return status == http::Status::no_content || status == http::Status::not_modified;
}

http::Response bad_gateway()
{
    return http::make_response(http::Status::bad_gateway, "Internal Server Error", "text/plain; charset=utf-8");
}

FunctionUrlAnswer map_function_url_answer(const core::Payload& payload)
{
    if (!payload) return refused("it is empty");
    const auto answer = Json::parse(*payload, nullptr, false);
    if (answer.is_discarded()) return refused("it is not JSON");
    // "If your function returns valid JSON and doesn't return a statusCode", Lambda sends it as
    // it is: 200, application/json (the developer guide's response payload format).
    if (!answer.is_object() || !answer.contains("statusCode")) {
        return MappedAnswer{http::make_response(http::Status::ok, payload, "application/json")};
    }
    const auto status = final_status(answer);
    if (!status) return refused("statusCode " + answer["statusCode"].dump() + " is not a final HTTP status (200-599)");
    std::string body;
    const auto found = answer.find("body");
    const bool has_body = found != answer.end() && !found->is_null();
    // A body that is not a string goes as its JSON text, unless it claims to be base64.
    if (has_body) body = found->is_string() ? found->get<std::string>() : core::json_text(*found);
    if (const auto base64 = answer.find("isBase64Encoded");
        base64 != answer.end() && base64->is_boolean() && base64->get<bool>()) {
        if (has_body && !found->is_string()) return refused("isBase64Encoded is true but body is not a string");
        auto bytes = http::base64_decode(body);
        if (!bytes) return refused("isBase64Encoded is true but body is not base64");
        body = std::move(*bytes);
    }
    MappedAnswer mapped{http::make_response(*status, std::string{}, "")};
    if (is_bodiless(*status)) mapped.dropped_body_bytes = body.size();
    else mapped.response.body() = std::make_shared<const std::string>(std::move(body));
    apply_headers_and_cookies(answer, mapped.response);
    return mapped;
}

http::Response function_url_response(const core::InvokeResult& result)
{
    if (result.is_function_error()) return bad_gateway();
    auto answer = map_function_url_answer(result.payload);
    if (auto* mapped = std::get_if<MappedAnswer>(&answer)) return std::move(mapped->response);
    return bad_gateway();
}

std::optional<http::Response> head_from_prelude(std::string_view prelude)
{
    const auto answer = Json::parse(prelude, nullptr, false);
    if (!answer.is_object()) return std::nullopt;
    const auto status = final_status(answer);
    if (!status) return std::nullopt;
    auto head = http::make_response(*status, std::string{}, "");
    apply_headers_and_cookies(answer, head);
    return head;
}

} // namespace lambda_emu::invoke
