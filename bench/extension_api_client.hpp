#pragma once
// The bench extensions' side of the Extensions API (and the Telemetry API's subscribe call): one
// keep-alive connection to AWS_LAMBDA_RUNTIME_API, used synchronously. Any failure throws.
#include "keep_alive_client.hpp"

#include <string>

namespace bench {

class ExtensionApiClient {
public:
    ExtensionApiClient(); // connects to AWS_LAMBDA_RUNTIME_API
    // Registers under `name` (Lambda requires the executable's file name) for `events_json`, e.g.
    // R"(["INVOKE","SHUTDOWN"])".
    void register_extension(const std::string& name, const std::string& events_json);
    // Parks until the next event and returns its JSON.
    const std::string& next_event();
    void subscribe_telemetry(const std::string& subscription_json);

private:
    KeepAliveClient client_;
};

} // namespace bench
