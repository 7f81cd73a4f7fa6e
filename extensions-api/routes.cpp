#include "extensions_api.hpp"
#include "identifier.hpp"
#include "rendering.hpp"

#include <nlohmann/json.hpp>

namespace lambda_emu::extensions_api {

namespace {

constexpr std::string_view kErrorTypeHeader = "Lambda-Extension-Function-Error-Type";

struct RegisterBody {
    std::vector<std::string> events;
    std::string error; // InvalidRequestFormat text
};

RegisterBody parse_register_body(const std::string& bytes)
{
    RegisterBody body;
    if (bytes.empty()) return body;
    auto parsed = nlohmann::json::parse(bytes, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        body.error = "Failed to parse register request body: not a JSON object";
        return body;
    }
    if (parsed.contains("configurationKeys")) {
        body.error = "configurationKeys are deprecated; use environment variables instead";
        return body;
    }
    if (!parsed.contains("events") || parsed["events"].is_null()) return body;
    if (!parsed["events"].is_array()) {
        body.error = "Failed to parse register request body: events must be an array of strings";
        return body;
    }
    for (const auto& event : parsed["events"]) {
        if (!event.is_string()) {
            body.error = "Failed to parse register request body: events must be an array of strings";
            return body;
        }
        body.events.push_back(event.get<std::string>());
    }
    return body;
}

bool accepts_account_id(const http::Request& request)
{
    const std::string features{request["Lambda-Extension-Accept-Feature"]};
    std::size_t begin = 0;
    while (begin <= features.size()) {
        auto end = features.find(',', begin);
        if (end == std::string::npos) end = features.size();
        auto feature = features.substr(begin, end - begin);
        feature.erase(0, feature.find_first_not_of(' '));
        feature.erase(feature.find_last_not_of(' ') + 1);
        if (feature == "accountId") return true;
        begin = end + 1;
    }
    return false;
}

void post_error(core::Environment& environment, http::Request& request, http::Responder& responder, bool init_error)
{
    if (auto refused = refuse_identifier(request)) {
        responder.send(std::move(*refused));
        return;
    }
    const std::string error_type{request[kErrorTypeHeader]};
    const std::string id{request[kIdentifierHeader]};
    if (!environment.extension_by_id(id)) {
        responder.send(render_refusal("Extension.UnknownExtensionIdentifier", "Unknown Lambda-Extension-Identifier"));
        return;
    }
    if (error_type.empty()) {
        responder.send(render_refusal("Extension.MissingHeader", "Lambda-Extension-Function-Error-Type not found"));
        return;
    }
    const auto refused = init_error ? environment.extension_init_error(id, error_type)
                                    : environment.extension_exit_error(id, error_type);
    responder.send(refused ? render_refusal(*refused)
                           : http::json_response(http::Status::accepted, R"({"status":"OK"})"));
}

} // namespace

void add_routes(http::Router& router, core::Environment& environment)
{
    router.add(http::Verb::post, "/2020-01-01/extension/register",
               [&environment](http::Request& request, const http::PathParams&, http::Responder responder) {
                   const auto body = parse_register_body(request.body().bytes);
                   const std::string name{request["Lambda-Extension-Name"]};
                   if (name.empty()) {
                       responder.send(render_refusal("Extension.InvalidExtensionName", "Empty extension name"));
                       return;
                   }
                   if (!body.error.empty()) {
                       responder.send(render_refusal("InvalidRequestFormat", body.error));
                       return;
                   }
                   auto registered = environment.extension_register(name, body.events);
                   if (auto* refused = std::get_if<core::ExtensionCallError>(&registered)) {
                       responder.send(render_refusal(*refused));
                       return;
                   }
                   responder.send(
                       render_registration(std::get<core::Registration>(registered), accepts_account_id(request)));
               });

    router.add(http::Verb::get, "/2020-01-01/extension/event/next",
               [&environment](http::Request& request, const http::PathParams&, http::Responder responder) {
                   if (auto refused = refuse_identifier(request)) {
                       responder.send(std::move(*refused));
                       return;
                   }
                   const auto refused = environment.extension_next(
                       request[kIdentifierHeader],
                       [responder](const core::ExtensionEvent& event) mutable { responder.send(render_event(event)); });
                   if (refused) responder.send(render_refusal(*refused));
               });

    router.add(http::Verb::post, "/2020-01-01/extension/init/error",
               [&environment](http::Request& request, const http::PathParams&, http::Responder responder) {
                   post_error(environment, request, responder, true);
               });

    router.add(http::Verb::post, "/2020-01-01/extension/exit/error",
               [&environment](http::Request& request, const http::PathParams&, http::Responder responder) {
                   post_error(environment, request, responder, false);
               });
}

} // namespace lambda_emu::extensions_api
