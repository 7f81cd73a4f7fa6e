#include "extension_api_client.hpp"

#include <cstdlib>
#include <stdexcept>

namespace bench {

ExtensionApiClient::ExtensionApiClient() : socket_{io_}
{
    const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) throw std::runtime_error{"AWS_LAMBDA_RUNTIME_API is not set"};
    const std::string address = api;
    const auto colon = address.rfind(':');
    socket_.connect({net::ip::make_address(address.substr(0, colon)),
                     static_cast<unsigned short>(std::stoi(address.substr(colon + 1)))});
    socket_.set_option(tcp::no_delay{true});
    request_.version(11);
    request_.set(http::field::host, address);
}

void ExtensionApiClient::register_extension(const std::string& name, const std::string& events_json)
{
    request_.set("Lambda-Extension-Name", name);
    const auto response = call(http::verb::post, "/2020-01-01/extension/register", R"({"events":)" + events_json + "}");
    request_.erase("Lambda-Extension-Name");
    request_.set("Lambda-Extension-Identifier", response["Lambda-Extension-Identifier"]);
}

const std::string& ExtensionApiClient::next_event()
{
    call(http::verb::get, "/2020-01-01/extension/event/next", {});
    return answer_;
}

void ExtensionApiClient::subscribe_telemetry(const std::string& subscription_json)
{
    call(http::verb::put, "/2022-07-01/telemetry", subscription_json);
}

http::response_header<> ExtensionApiClient::call(http::verb verb, const std::string& target, const std::string& body)
{
    request_.method(verb);
    request_.target(target);
    boost::beast::error_code ec;
    write_message(socket_, request_, body, ec);
    auto response = ec ? http::response_header<>{} : read_message<false>(socket_, buffer_, answer_, ec);
    if (ec) throw std::runtime_error{target + ": " + ec.message()};
    if (response.result() != http::status::ok)
        throw std::runtime_error{target + " answered " + std::to_string(response.result_int()) + ": " + answer_};
    return response;
}

} // namespace bench
