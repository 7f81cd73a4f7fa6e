#pragma once
// http/: the Beast server (listener, session, router, parked responders) and a small client for 127.0.0.1.
// This header: a listener on loopback: accepts connections and gives each a Session on the one event loop.
#include "connection_registry.hpp"
#include "router.hpp"
#include "session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

namespace lambda_emu::http {

class Server {
public:
    struct Options {
        std::string address = "127.0.0.1";
        unsigned short port = 0; // 0: an ephemeral port
        // At the cap, the connection waiting longest for a request makes room for the newcomer,
        // so idle clients can never lock out a runtime's or an extension's own calls. Never more
        // than a quarter of the process's descriptor limit.
        std::size_t max_connections = 1024;
        ConnectionTimeouts timeouts;
    };

    // Binds and listens. On failure returns null and says why in `error`
    // ("127.0.0.1:9001: Address already in use").
    static std::unique_ptr<Server> listen(boost::asio::io_context& io, const Router& router, const Options& options,
                                          std::string& error);
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server() { stop(); }

    unsigned short port() const { return port_; }
    void stop();

private:
    Server(boost::asio::ip::tcp::acceptor acceptor, const Router& router, const Options& options);
    void accept();
    void admit(boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_timer_;
    const Router& router_;
    std::size_t max_connections_;
    ConnectionTimeouts timeouts_;
    unsigned short port_ = 0;
    // Shared with the sessions, which may outlive the server.
    std::shared_ptr<ConnectionRegistry> connections_ = std::make_shared<ConnectionRegistry>();
    // Accept handlers may run after the server is gone (operation_aborted); they check this.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace lambda_emu::http
