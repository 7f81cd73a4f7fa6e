// PUT /2022-07-01/telemetry and PUT /2020-08-15/logs: subscriptions, during Init only.
#include "core/json_text.hpp"
#include "extensions_api.hpp"
#include "identifier.hpp"
#include "rendering.hpp"
#include "telemetry_hub.hpp"

namespace lambda_emu::extensions_api {

namespace {

void subscribe(core::Environment& environment, TelemetryHub& hub, const http::ListenerPorts& own, TelemetryApi api,
               http::Request& request, http::Responder& responder)
{
    const bool logs = api == TelemetryApi::Logs;
    if (auto refused = refuse_identifier(request)) {
        responder.send(std::move(*refused));
        return;
    }
    const auto* extension = environment.extension_by_id(request[kIdentifierHeader]);
    if (!extension) {
        responder.send(render_refusal("Extension.UnknownExtensionIdentifier",
                                      "Unknown extension " + std::string{request[kIdentifierHeader]}));
        return;
    }
    if (!environment.accepting_subscriptions()) {
        // RAPID's managed-instances core names these; the classic one answers 403 too (docs/lambda-rules.md §3.1).
        responder.send(logs ? render_refusal("Logs.SubscriptionClosed", "Logs API subscription is closed")
                            : render_refusal("Telemetry.SubscriptionClosed", "Telemetry API subscription is closed"));
        return;
    }
    const auto parsed = parse_subscription(api, request.body().bytes, own);
    if (!parsed.subscription) {
        responder.send(http::json_response(
            http::Status::bad_request,
            core::json_text(nlohmann::ordered_json{{"errorMessage", parsed.error},
                                                   {"errorType", logs ? "Logs.ValidationError" : "ValidationError"}})));
        return;
    }
    hub.subscribe(extension->name, *parsed.subscription);
    responder.send(http::json_response(http::Status::ok, R"("OK")"));
}

} // namespace

void add_telemetry_routes(http::Router& router, core::Environment& environment, TelemetryHub& hub,
                          const http::ListenerPorts& own)
{
    for (const auto api : {TelemetryApi::Telemetry, TelemetryApi::Logs}) {
        router.add(http::Verb::put, api == TelemetryApi::Telemetry ? "/2022-07-01/telemetry" : "/2020-08-15/logs",
                   [&environment, &hub, &own, api](http::Request& request, const http::PathParams&,
                                                   http::Responder responder) {
                       subscribe(environment, hub, own, api, request, responder);
                   });
    }
}

} // namespace lambda_emu::extensions_api
