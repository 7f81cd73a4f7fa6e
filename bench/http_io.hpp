#pragma once
// HTTP/1.1 over a blocking loopback socket, the cheap way, for the bench's own clients and servers:
// Beast parses the header, then the body is read straight into a buffer of its Content-Length
// with reads as large as the rest of it (no growing buffer, no second copy). Messages are written
// with Beast's serializer over a span of the caller's bytes, so header and body go out in one
// gathered write without being copied either.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <string>

namespace bench {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

// A message whose body is the caller's bytes, borrowed, not copied.
template <bool isRequest> using BorrowedMessage = http::message<isRequest, http::span_body<const char>>;

// Reads one message. `body` is resized to its Content-Length: a buffer reused from message to
// message is neither reallocated nor zeroed again while the sizes stay the same. Chunked bodies are
// refused (bad_transfer_encoding): no peer of the bench sends them.
template <bool isRequest>
http::header<isRequest> read_message(tcp::socket& socket, boost::beast::flat_buffer& buffer, std::string& body,
                                     boost::beast::error_code& ec)
{
    http::parser<isRequest, http::empty_body> parser;
    parser.body_limit(boost::none); // the body is read below, not by the parser
    http::read_header(socket, buffer, parser, ec);
    if (ec) return {};
    if (parser.chunked()) {
        ec = http::error::bad_transfer_encoding;
        return {};
    }
    const std::size_t length = parser.content_length().value_or(0);
    body.resize(length);
    const std::size_t buffered = std::min(length, buffer.size());
    net::buffer_copy(net::buffer(body.data(), buffered), buffer.data());
    buffer.consume(buffered);
    net::read(socket, net::buffer(body.data() + buffered, length - buffered), ec);
    return std::move(parser.release().base());
}

template <bool isRequest>
void write_message(tcp::socket& socket, BorrowedMessage<isRequest>& message, const std::string& body,
                   boost::beast::error_code& ec)
{
    message.body() = {body.data(), body.size()};
    message.prepare_payload();
    http::write(socket, message, ec);
}

} // namespace bench
