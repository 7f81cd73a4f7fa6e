#include "keep_alive_client.hpp"

#include <stdexcept>

namespace bench {

KeepAliveClient::KeepAliveClient(unsigned short port) : socket_{io_}
{
    socket_.connect({net::ip::address_v4::loopback(), port});
    socket_.set_option(tcp::no_delay{true});
    request_.method(http::verb::post);
    request_.version(11);
    request_.set(http::field::host, "127.0.0.1");
}

const std::string& KeepAliveClient::post(const std::string& target, const std::string& body)
{
    request_.target(target);
    boost::beast::error_code ec;
    write_message(socket_, request_, body, ec);
    const auto response = ec ? http::response_header<>{} : read_message<false>(socket_, buffer_, answer_, ec);
    if (ec) throw std::runtime_error{"POST " + target + ": " + ec.message()};
    if (response.result() != http::status::ok)
        throw std::runtime_error{"POST " + target + " answered " + std::to_string(response.result_int()) + ": " +
                                 answer_.substr(0, 200)};
    return answer_;
}

} // namespace bench
