#include "echo_server.hpp"

#include "http_io.hpp"

#include <boost/asio/io_context.hpp>

#include <csignal>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace bench {
namespace {

void echo_until_hang_up(tcp::socket socket)
{
    boost::beast::error_code ec;
    socket.set_option(tcp::no_delay{true}, ec);
    boost::beast::flat_buffer buffer;
    std::string body;
    BorrowedMessage<false> response{http::status::ok, 11};
    while (!ec) {
        read_message<true>(socket, buffer, body, ec);
        if (!ec) write_message(socket, response, body, ec);
    }
}

void serve_forever(tcp::acceptor& acceptor, net::io_context& io)
{
    for (;;) {
        tcp::socket socket{io};
        acceptor.accept(socket);
        std::thread{echo_until_hang_up, std::move(socket)}.detach();
    }
}

} // namespace

EchoServer::EchoServer()
{
    net::io_context io;
    tcp::acceptor acceptor{io, {net::ip::address_v4::loopback(), 0}};
    port_ = acceptor.local_endpoint().port();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error{"fork failed"};
    if (pid_ == 0) {
        // The bench forks only while it is single-threaded. Nothing may unwind into its copy of
        // the bench's stack: the child ends here, whatever happens.
        try {
            serve_forever(acceptor, io);
        } catch (...) {
        }
        _exit(0);
    }
}

EchoServer::~EchoServer()
{
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
}

} // namespace bench
