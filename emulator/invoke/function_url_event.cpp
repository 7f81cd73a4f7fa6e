#include "function_url_event.hpp"

#include "core/json_text.hpp"
#include "http/base64.hpp"
#include "http/percent.hpp"
#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace lambda_emu::invoke {

namespace {

using Json = nlohmann::ordered_json;

std::string lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// A query key or value as the function sees it: decoded, or as sent when it holds a bad escape.
std::string decoded(std::string_view text)
{
    auto value = http::percent_decode(text);
    return value ? std::move(*value) : std::string{text};
}

// "07/Sep/2021:22:50:22 +0000", the event's `requestContext.time`.
std::string request_time(std::int64_t epoch_ms)
{
    const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char text[40];
    std::snprintf(text, sizeof text, "%02d/%s/%04d:%02d:%02d:%02d +0000", utc.tm_mday, kMonths[utc.tm_mon % 12],
                  utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

} // namespace

bool is_text_body(std::string_view content_type, std::string_view body)
{
    const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
    const bool textual = type.starts_with("text/") || type == "application/json" || type == "application/javascript" ||
                         type == "application/xml" || type == "application/x-www-form-urlencoded" ||
                         type.ends_with("+json") || type.ends_with("+xml");
    return textual && core::is_utf8(body);
}

std::string function_url_event(const http::Request& request, const FunctionUrlContext& context)
{
    Json headers = Json::object();
    Json cookies = Json::array();
    for (const auto& field : request) {
        const std::string name = lower(field.name_string());
        const std::string_view value{field.value().data(), field.value().size()};
        if (name == "cookie") { // the Cookie header becomes `cookies`, as API Gateway's 2.0 format has it
            std::string_view rest = value;
            while (!rest.empty()) {
                const auto semicolon = rest.find(';');
                if (const auto cookie = trim(rest.substr(0, semicolon)); !cookie.empty()) cookies.push_back(cookie);
                rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
            }
            continue;
        }
        auto& joined = headers[name];
        if (joined.is_null()) joined = std::string{value};
        else joined = joined.get<std::string>() + "," + std::string{value};
    }
    headers["x-amzn-trace-id"] = context.trace_id;
    headers["x-forwarded-for"] = context.source_ip;
    headers["x-forwarded-proto"] = "http";

    const std::string_view target{request.target().data(), request.target().size()};
    const auto question = target.find('?');
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    Json parameters = Json::object();
    for (std::string_view rest = query; !rest.empty();) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto equals = pair.find('=');
        const std::string key = decoded(pair.substr(0, equals));
        const std::string value = equals == std::string_view::npos ? std::string{} : decoded(pair.substr(equals + 1));
        auto& joined = parameters[key];
        joined = joined.is_null() ? value : joined.get<std::string>() + "," + value;
    }

    Json event;
    event["version"] = "2.0";
    event["routeKey"] = "$default";
    event["rawPath"] = context.raw_path;
    event["rawQueryString"] = std::string{query};
    if (!cookies.empty()) event["cookies"] = std::move(cookies);
    event["headers"] = std::move(headers);
    if (!parameters.empty()) event["queryStringParameters"] = std::move(parameters);
    const std::string host{request[boost::beast::http::field::host]};
    event["requestContext"] = {
        {"accountId", context.account_id},
        {"apiId", context.function_name},
        {"domainName", host},
        {"domainPrefix", context.function_name},
        {"http",
         {{"method", std::string{request.method_string()}},
          {"path", context.raw_path},
          {"protocol", request.version() == 10 ? "HTTP/1.0" : "HTTP/1.1"},
          {"sourceIp", context.source_ip},
          {"userAgent", std::string{request[boost::beast::http::field::user_agent]}}}},
        {"requestId", context.request_id},
        {"routeKey", "$default"},
        {"stage", "$default"},
        {"time", request_time(context.epoch_ms)},
        {"timeEpoch", context.epoch_ms},
    };
    const std::string& body = request.body().bytes;
    const bool text = is_text_body(request[boost::beast::http::field::content_type], body);
    if (!body.empty()) event["body"] = text ? body : http::base64_encode(body);
    event["isBase64Encoded"] = !body.empty() && !text;
    return core::json_text(event);
}

} // namespace lambda_emu::invoke
