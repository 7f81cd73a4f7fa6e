#pragma once
// The emulator's own outgoing connections, on the event loop, to 127.0.0.1 only: HTTP POSTs (the
// Telemetry API's deliveries) and a byte stream (its TCP destinations).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

namespace lambda_emu::http {

// POSTs `body` on a fresh connection; `done(true)` when it was answered with a status below 400.
void post_once(boost::asio::io_context& io, unsigned short port, const std::string& target,
               std::shared_ptr<const std::string> body, std::function<void(bool ok)> done);

// One long-lived connection that bytes are written to in order; it reconnects on the next send
// after a failure.
class ByteStream : public std::enable_shared_from_this<ByteStream> {
public:
    ByteStream(boost::asio::io_context& io, unsigned short port) : socket_{io}, port_{port} {}
    void send(std::shared_ptr<const std::string> bytes, std::function<void(bool ok)> done);
    void close();

private:
    boost::asio::ip::tcp::socket socket_;
    unsigned short port_;
    bool connected_ = false;
};

} // namespace lambda_emu::http
