#pragma once
// One keep-alive HTTP/1.1 connection to a loopback address, used synchronously: the bench is the
// caller (one such client per caller thread), and the bench's extensions call their APIs with it.
#include "http_io.hpp"

#include <boost/asio/io_context.hpp>

#include <string>
#include <string_view>

namespace bench {

class KeepAliveClient {
public:
    explicit KeepAliveClient(unsigned short port) : KeepAliveClient{"127.0.0.1", port} {}
    KeepAliveClient(const std::string& address, unsigned short port);
    // Posts `body` and returns the answer's body (valid until the next call). Throws unless the
    // answer is 200.
    const std::string& post(const std::string& target, const std::string& body);
    // Any request; throws unless the answer is 200. The answer's body is then answer().
    http::response_header<> call(http::verb verb, const std::string& target, const std::string& body);
    const std::string& answer() const { return answer_; }
    // A header sent with every request from now on (or no longer).
    void set_header(std::string_view name, std::string_view value) { request_.set(name, value); }
    void erase_header(std::string_view name) { request_.erase(name); }

private:
    net::io_context io_;
    tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
    BorrowedMessage<true> request_;
    std::string answer_;
};

} // namespace bench
