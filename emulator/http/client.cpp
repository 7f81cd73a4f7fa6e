#include "client.hpp"

#include "bodies.hpp"
#include "close_on_exec.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace lambda_emu::http {

namespace beast_http = boost::beast::http;
using boost::asio::ip::tcp;

namespace {

class PostOnce : public std::enable_shared_from_this<PostOnce> {
public:
    PostOnce(boost::asio::io_context& io, std::function<void(bool)> done) : socket_{io}, done_{std::move(done)} {}

    void start(unsigned short port, const std::string& target, std::shared_ptr<const std::string> body)
    {
        body_ = std::move(body);
        request_ = {beast_http::verb::post, target, 11};
        request_.set(beast_http::field::host, "sandbox.localdomain:" + std::to_string(port));
        request_.set(beast_http::field::content_type, "application/json");
        request_.body() = body_;
        request_.prepare_payload();
        const tcp::endpoint endpoint{boost::asio::ip::make_address_v4("127.0.0.1"), port};
        // Opened here rather than by async_connect, to mark it; a failure shows in async_connect.
        boost::system::error_code open_ec;
        socket_.open(endpoint.protocol(), open_ec);
        if (!open_ec) set_close_on_exec(socket_.native_handle());
        socket_.async_connect(endpoint, [self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec) return self->finish(false);
            beast_http::async_write(
                self->socket_, self->request_, [self](const boost::system::error_code& write_ec, std::size_t) {
                    if (write_ec) return self->finish(false);
                    beast_http::async_read(self->socket_, self->buffer_, self->response_,
                                           [self](const boost::system::error_code& read_ec, std::size_t) {
                                               self->finish(!read_ec && self->response_.result_int() < 400);
                                           });
                });
        });
    }

private:
    void finish(bool ok)
    {
        boost::system::error_code ignored;
        socket_.close(ignored);
        if (auto done = std::move(done_)) done(ok);
    }

    tcp::socket socket_;
    std::function<void(bool)> done_;
    std::shared_ptr<const std::string> body_;
    beast_http::request<SharedStringBody> request_;
    beast_http::response<beast_http::string_body> response_;
    boost::beast::flat_buffer buffer_;
};

} // namespace

void post_once(boost::asio::io_context& io, unsigned short port, const std::string& target,
               std::shared_ptr<const std::string> body, std::function<void(bool)> done)
{
    std::make_shared<PostOnce>(io, std::move(done))->start(port, target, std::move(body));
}

void ByteStream::send(std::shared_ptr<const std::string> bytes, std::function<void(bool)> done)
{
    auto write = [self = shared_from_this(), bytes, done]() mutable {
        boost::asio::async_write(self->socket_, boost::asio::buffer(*bytes),
                                 [self, bytes, done](const boost::system::error_code& ec, std::size_t) {
                                     if (ec) self->close();
                                     done(!ec);
                                 });
    };
    if (connected_) {
        write();
        return;
    }
    const tcp::endpoint endpoint{boost::asio::ip::make_address_v4("127.0.0.1"), port_};
    // Opened here rather than by async_connect, to mark it; a failure shows in async_connect.
    boost::system::error_code open_ec;
    if (!socket_.is_open()) socket_.open(endpoint.protocol(), open_ec);
    if (!open_ec) set_close_on_exec(socket_.native_handle());
    socket_.async_connect(endpoint,
                          [self = shared_from_this(), write, done](const boost::system::error_code& ec) mutable {
                              if (ec) {
                                  self->close();
                                  done(false);
                                  return;
                              }
                              self->connected_ = true;
                              write();
                          });
}

void ByteStream::close()
{
    boost::system::error_code ignored;
    socket_.close(ignored);
    connected_ = false;
}

} // namespace lambda_emu::http
