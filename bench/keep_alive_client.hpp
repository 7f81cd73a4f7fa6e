#pragma once
// One keep-alive HTTP/1.1 connection to 127.0.0.1, used synchronously: the bench is the caller,
// one such client per caller thread.
#include "http_io.hpp"

#include <boost/asio/io_context.hpp>

#include <string>

namespace bench {

class KeepAliveClient {
public:
    explicit KeepAliveClient(unsigned short port);
    // Posts `body` and returns the answer's body (valid until the next call). Throws unless the
    // answer is 200.
    const std::string& post(const std::string& target, const std::string& body);

private:
    net::io_context io_;
    tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
    BorrowedMessage<true> request_;
    std::string answer_;
};

} // namespace bench
