#pragma once
// One HTTP/1.1 connection, as Beast's own examples structure it: read a request, hand it to the
// router, write the response when the handler (or a parked responder) gives it, repeat while
// keep-alive holds.
#include "message.hpp"
#include "responder.hpp"
#include "router.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lambda_emu::http {

class Session : public ResponseSink, public std::enable_shared_from_this<Session> {
public:
    Session(boost::asio::ip::tcp::socket socket, const Router& router, std::shared_ptr<std::size_t> open_sessions);
    ~Session() override;
    void start() { read_header(); }
    void respond(Response response, AfterSent after_sent = {}) override;
    std::shared_ptr<ResponseStream> respond_in_pieces(Response head) override;

private:
    void read_header();
    void on_header(const boost::beast::error_code& ec);
    void read_body();
    void on_body_piece(const boost::beast::error_code& ec); // a streamed body: one piece read
    void on_body(const boost::beast::error_code& ec);
    void reject(Status status, const std::string& text); // answer and close
    void on_write(const boost::beast::error_code& ec);
    // A response in pieces: raw HTTP bytes queued and written one after another.
    friend class ChunkedResponse;
    void queue_raw(std::string bytes, bool last);
    void write_queued();
    void on_raw_written(const boost::beast::error_code& ec);
    // Back-pressure: at most this many bytes wait for a slow caller before the producer pauses.
    static constexpr std::size_t kMaxQueuedStreamBytes = 1024 * 1024;
    bool raw_has_room() const { return raw_queued_bytes_ < kMaxQueuedStreamBytes; }
    void when_raw_drained(std::function<void()> resume);

    boost::asio::ip::tcp::socket socket_;
    const Router& router_;
    std::shared_ptr<std::size_t> open_sessions_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<CappedStringBody>> parser_;
    Router::Match route_;
    Response response_;
    AfterSent after_sent_;
    std::deque<std::string> raw_queue_;
    std::size_t raw_queued_bytes_ = 0;
    std::function<void()> raw_drained_; // resumes a paused producer
    bool raw_writing_ = false;
    bool raw_finished_ = false;
    bool raw_caller_gone_ = false; // a write failed: what is queued from now on is dropped
    bool keep_alive_ = true;
};

} // namespace lambda_emu::http
