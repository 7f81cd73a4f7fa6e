#include "server.hpp"

#include "close_on_exec.hpp"
#include "session.hpp"

namespace lambda_emu::http {

using boost::asio::ip::tcp;

std::unique_ptr<Server> Server::listen(boost::asio::io_context& io, const Router& router, const Options& options,
                                       std::string& error)
{
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(options.address, ec);
    const std::string where = options.address + ":" + std::to_string(options.port);
    if (ec) {
        error = where + ": " + ec.message();
        return nullptr;
    }
    tcp::acceptor acceptor{io};
    const tcp::endpoint endpoint{address, options.port};
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) set_close_on_exec(acceptor.native_handle());
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error = where + ": " + ec.message();
        return nullptr;
    }
    return std::unique_ptr<Server>{new Server{std::move(acceptor), router, options.max_connections}};
}

Server::Server(tcp::acceptor acceptor, const Router& router, std::size_t max_connections)
    : acceptor_{std::move(acceptor)},
      retry_timer_{acceptor_.get_executor()},
      router_{router},
      max_connections_{max_connections}
{
    port_ = acceptor_.local_endpoint().port();
    accept();
}

void Server::stop()
{
    *alive_ = false;
    retry_timer_.cancel();
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

void Server::accept()
{
    acceptor_.async_accept([this, alive = alive_](const boost::system::error_code& ec, tcp::socket socket) {
        if (!*alive) return;
        if (!ec) {
            set_close_on_exec(socket.native_handle());
            if (*open_sessions_ >= max_connections_) {
                // Bounded: past the limit a connection is closed at once rather than starving the loop.
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                boost::system::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored); // small answers must not wait for Nagle
                std::make_shared<Session>(std::move(socket), router_, open_sessions_)->start();
            }
        }
        if (ec == boost::asio::error::operation_aborted) return;
        if (ec) {
            // Out of descriptors (EMFILE) and the like: pause instead of spinning on the error.
            retry_timer_.expires_after(std::chrono::milliseconds{50});
            retry_timer_.async_wait([this, alive](const boost::system::error_code& wait_ec) {
                if (!wait_ec && *alive) accept();
            });
            return;
        }
        accept();
    });
}

} // namespace lambda_emu::http
