#pragma once
// A Telemetry API (2022-07-01) or Logs API (2020-08-15) subscription: its body parsed and
// checked against docs/lambda-rules.md §3.1-3.2 and 3.5.
#include "http/listener_ports.hpp"

#include <optional>
#include <string>

namespace lambda_emu::extensions_api {

enum class TelemetryApi { Telemetry, Logs };

struct Buffering {
    int max_items = 10000;
    int max_bytes = 262144;
    int timeout_ms = 1000;
};

struct Destination {
    enum class Protocol { Http, Tcp } protocol = Protocol::Http;
    unsigned short port = 0; // on 127.0.0.1: sandbox.localdomain and sandbox resolve there
    std::string path = "/";
};

struct Subscription {
    TelemetryApi api = TelemetryApi::Telemetry;
    std::string schema_version;
    bool platform = false;
    bool function = false;
    bool extension = false;
    Buffering buffering;
    Destination destination;
};

struct ParsedSubscription {
    std::optional<Subscription> subscription;
    std::string error; // the ValidationError message: every problem, joined by "; "
};

// `own`: the emulator's listening ports, refused as destinations (as Lambda refuses 9001).
ParsedSubscription parse_subscription(TelemetryApi api, const std::string& body, const http::ListenerPorts& own);

} // namespace lambda_emu::extensions_api
