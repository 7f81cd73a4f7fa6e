#include "server.hpp"

#include "close_on_exec.hpp"
#include "session.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>

namespace lambda_emu::http {

using boost::asio::ip::tcp;

namespace {

// A listener never holds more than a quarter of the process's descriptors, so that clients
// cannot take the ones a cold start needs (the runtime's pipes) or another listener's share.
std::size_t connection_cap(std::size_t wanted)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
    return std::min(std::max<std::size_t>(static_cast<std::size_t>(limit.rlim_cur / 4), 1), wanted);
}

} // namespace

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
    return std::unique_ptr<Server>{new Server{std::move(acceptor), router, options}};
}

Server::Server(tcp::acceptor acceptor, const Router& router, const Options& options)
    : acceptor_{std::move(acceptor)}, retry_timer_{acceptor_.get_executor()}, router_{router},
      max_connections_{connection_cap(options.max_connections)}, timeouts_{options.timeouts}
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
        if (!*alive || ec == boost::asio::error::operation_aborted) return;
        if (!ec) {
            admit(std::move(socket));
            accept();
            return;
        }
        // Out of descriptors: the connection waiting longest gives its own up, as at the cap.
        const bool out_of_descriptors = ec == boost::asio::error::no_descriptors || ec.value() == ENFILE;
        if (out_of_descriptors && connections_->evict_longest_waiting()) {
            accept();
            return;
        }
        // Nothing to give up: pause instead of spinning on the error.
        retry_timer_.expires_after(std::chrono::milliseconds{50});
        retry_timer_.async_wait([this, alive](const boost::system::error_code& wait_ec) {
            if (!wait_ec && *alive) accept();
        });
    });
}

void Server::admit(tcp::socket socket)
{
    set_close_on_exec(socket.native_handle()); // no child may inherit a client's connection
    boost::system::error_code ignored;
    if (connections_->size() >= max_connections_ && !connections_->evict_longest_waiting()) {
        // Every connection is busy with a request: only then is the newcomer the one turned away.
        socket.close(ignored);
        return;
    }
    socket.set_option(tcp::no_delay(true), ignored); // small answers must not wait for Nagle
    std::make_shared<Session>(std::move(socket), router_, connections_, timeouts_)->start();
}

} // namespace lambda_emu::http
