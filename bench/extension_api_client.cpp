#include "extension_api_client.hpp"

#include <cstdlib>
#include <stdexcept>

namespace bench {

namespace {

std::string runtime_api()
{
    const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) throw std::runtime_error{"AWS_LAMBDA_RUNTIME_API is not set"};
    return api;
}

KeepAliveClient connect_to(const std::string& address)
{
    const auto colon = address.rfind(':');
    return KeepAliveClient{address.substr(0, colon), static_cast<unsigned short>(std::stoi(address.substr(colon + 1)))};
}

} // namespace

ExtensionApiClient::ExtensionApiClient() : client_{connect_to(runtime_api())} {}

void ExtensionApiClient::register_extension(const std::string& name, const std::string& events_json)
{
    client_.set_header("Lambda-Extension-Name", name);
    const auto response =
        client_.call(http::verb::post, "/2020-01-01/extension/register", R"({"events":)" + events_json + "}");
    client_.erase_header("Lambda-Extension-Name");
    client_.set_header("Lambda-Extension-Identifier", response["Lambda-Extension-Identifier"]);
}

const std::string& ExtensionApiClient::next_event()
{
    client_.call(http::verb::get, "/2020-01-01/extension/event/next", {});
    return client_.answer();
}

void ExtensionApiClient::subscribe_telemetry(const std::string& subscription_json)
{
    client_.call(http::verb::put, "/2022-07-01/telemetry", subscription_json);
}

} // namespace bench
