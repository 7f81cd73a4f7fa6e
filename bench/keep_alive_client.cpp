#include "keep_alive_client.hpp"

#include <stdexcept>

namespace bench {

KeepAliveClient::KeepAliveClient(const std::string& address, unsigned short port) : socket_{io_}
{
    socket_.connect({net::ip::make_address(address), port});
    socket_.set_option(tcp::no_delay{true});
    request_.version(11);
    request_.set(http::field::host, address);
}

const std::string& KeepAliveClient::post(const std::string& target, const std::string& body)
{
    call(http::verb::post, target, body);
    return answer_;
}

http::response_header<> KeepAliveClient::call(http::verb verb, const std::string& target, const std::string& body)
{
    request_.method(verb);
    request_.target(target);
    boost::beast::error_code ec;
    write_message(socket_, request_, body, ec);
    auto response = ec ? http::response_header<>{} : read_message<false>(socket_, buffer_, answer_, ec);
    const std::string what = std::string{http::to_string(verb)} + " " + target;
    if (ec) throw std::runtime_error{what + ": " + ec.message()};
    if (response.result() != http::status::ok)
        throw std::runtime_error{what + " answered " + std::to_string(response.result_int()) + ": " +
                                 answer_.substr(0, 200)};
    return response;
}

} // namespace bench
