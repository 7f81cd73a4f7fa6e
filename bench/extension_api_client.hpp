#pragma once
// The bench extensions' side of the Extensions API (and the Telemetry API's subscribe call): one
// keep-alive connection to AWS_LAMBDA_RUNTIME_API, used synchronously. Any failure throws.
#include "http_io.hpp"

#include <boost/asio/io_context.hpp>

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
    // One request; throws unless the answer is 200. The answer's body is left in answer_.
    http::response_header<> call(http::verb verb, const std::string& target, const std::string& body);

    net::io_context io_;
    tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
    BorrowedMessage<true> request_;
    std::string answer_;
};

} // namespace bench
