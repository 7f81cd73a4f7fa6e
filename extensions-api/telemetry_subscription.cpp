#include "telemetry_subscription.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

namespace lambda_emu::extensions_api {

namespace {

using json = nlohmann::json;

// Destinations must be inside the environment (docs/lambda-rules.md §3.1); port 9001 is Lambda's own.
bool is_sandbox_host(const std::string& host)
{
    return host == "sandbox.localdomain" || host == "sandbox" || host == "localhost" || host == "127.0.0.1";
}

// A member's text, nothing when it is there with another type. (nlohmann's value() would throw
// type_error.302 for a body such as {"schemaVersion": 1}: found by fuzzing.)
std::optional<std::string> string_member(const json& object, const char* key, std::string fallback)
{
    const auto found = object.find(key);
    if (found == object.end()) return fallback;
    if (!found->is_string()) return std::nullopt;
    return found->get<std::string>();
}

void read_limit(const json& buffering, const char* key, int minimum, int maximum, int& value,
                std::vector<std::string>& problems)
{
    if (!buffering.contains(key)) return;
    const auto& field = buffering[key];
    if (!field.is_number_integer() || field.get<long long>() < minimum || field.get<long long>() > maximum) {
        problems.push_back(std::string{"buffering."} + key + " should be between " + std::to_string(minimum) + " and " +
                           std::to_string(maximum));
        return;
    }
    value = field.get<int>();
}

// The emulator's own listeners are no more a destination than Lambda's 9001 is.
std::string own_port_problem(const char* what, unsigned port)
{
    return std::string{what} + " " + std::to_string(port) +
           " is lambda-emu's own listener (a Runtime API or the invoke endpoint): what it received would come back "
           "as more telemetry";
}

void read_destination(const json& destination, Destination& out, std::vector<std::string>& problems,
                      const http::ListenerPorts& own)
{
    if (!destination.is_object()) {
        problems.push_back("destination is not provided");
        return;
    }
    const std::string protocol = string_member(destination, "protocol", "").value_or("");
    if (protocol == "TCP") {
        out.protocol = Destination::Protocol::Tcp;
        const auto found = destination.find("port");
        const long long port = found != destination.end() && found->is_number_integer() ? found->get<long long>() : 0;
        if (port < 1 || port > 65535 || port == 9001)
            problems.push_back("port should be between 1 and 65535, not 9001");
        else if (own.contains(static_cast<unsigned short>(port))) problems.push_back(own_port_problem("port", port));
        else out.port = static_cast<unsigned short>(port);
        return;
    }
    if (protocol != "HTTP") {
        problems.push_back("destination.protocol should be HTTP or TCP");
        return;
    }
    const std::string uri = string_member(destination, "URI", "").value_or("");
    const std::string scheme = "http://";
    if (uri.rfind(scheme, 0) != 0) {
        problems.push_back("URI should start with http://");
        return;
    }
    const std::string rest = uri.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    out.path = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    const std::string host = authority.substr(0, colon);
    if (!is_sandbox_host(host)) problems.push_back("URI host should be sandbox.localdomain");
    if (colon == std::string::npos) {
        problems.push_back("URI port is not provided");
        return;
    }
    unsigned port = 0;
    const std::string port_text = authority.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1 || port > 65535 || port == 9001) {
        problems.push_back("URI port should be between 1 and 65535, not 9001");
        return;
    }
    if (own.contains(static_cast<unsigned short>(port))) {
        problems.push_back(own_port_problem("URI port", port));
        return;
    }
    out.port = static_cast<unsigned short>(port);
}

} // namespace

ParsedSubscription parse_subscription(TelemetryApi api, const std::string& body, const http::ListenerPorts& own)
{
    ParsedSubscription parsed;
    const auto document = json::parse(body, nullptr, false);
    if (!document.is_object()) {
        parsed.error = "request body is not a JSON object";
        return parsed;
    }
    Subscription subscription;
    subscription.api = api;
    std::vector<std::string> problems;

    const bool logs = api == TelemetryApi::Logs;
    const auto schema_version = string_member(document, "schemaVersion", logs ? "2020-08-15" : "");
    subscription.schema_version = schema_version.value_or("");
    const std::vector<std::string> versions = logs ? std::vector<std::string>{"2020-08-15", "2021-03-18"}
                                                   : std::vector<std::string>{"2022-07-01", "2022-12-13", "2025-01-29"};
    if (!schema_version) {
        problems.push_back("schemaVersion should be a string");
    } else if (std::find(versions.begin(), versions.end(), subscription.schema_version) == versions.end()) {
        problems.push_back(subscription.schema_version.empty()
                               ? "schemaVersion is not provided"
                               : "schemaVersion " + subscription.schema_version + " is not supported");
    }

    const auto types = document.value("types", json::array());
    if (!types.is_array() || types.empty()) problems.push_back("types should not be empty");
    for (const auto& type : types) {
        const std::string name = type.is_string() ? type.get<std::string>() : std::string{};
        if (name == "platform") subscription.platform = true;
        else if (name == "function") subscription.function = true;
        else if (name == "extension") subscription.extension = true;
        else
            problems.push_back("type " + (name.empty() ? core::json_text(type) : name) +
                               " is not one of platform, function, extension");
    }

    if (document.contains("buffering")) {
        const auto& buffering = document["buffering"];
        if (!buffering.is_object()) {
            problems.push_back("buffering should be an object");
        } else {
            read_limit(buffering, "maxItems", 1000, 10000, subscription.buffering.max_items, problems);
            read_limit(buffering, "maxBytes", 262144, 1048576, subscription.buffering.max_bytes, problems);
            read_limit(buffering, "timeoutMs", 25, 30000, subscription.buffering.timeout_ms, problems);
        }
    }
    read_destination(document.value("destination", json{}), subscription.destination, problems, own);

    if (!problems.empty()) {
        for (std::size_t i = 0; i < problems.size(); ++i) parsed.error += (i ? "; " : "") + problems[i];
        return parsed;
    }
    parsed.subscription = subscription;
    return parsed;
}

} // namespace lambda_emu::extensions_api
