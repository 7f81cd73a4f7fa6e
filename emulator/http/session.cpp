#include "session.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>
#include <utility>
#include <sstream>

namespace lambda_emu::http {

namespace beast_http = boost::beast::http;

namespace {

// The peer went away: nothing to answer, nobody to tell.
bool is_disconnect(const boost::beast::error_code& ec)
{
    return ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message ||
           ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
           ec == boost::asio::error::operation_aborted || ec == boost::asio::error::broken_pipe;
}

// Streams more than 6 MB are fine: they are passed on, not kept (LAMBDA-SPEC 1.4: up to 200 MB).
constexpr std::size_t kMaxStreamedBody = 200 * 1024 * 1024;

} // namespace

class ChunkedResponse final : public ResponseStream {
public:
    explicit ChunkedResponse(std::shared_ptr<Session> session) : session_{std::move(session)} {}
    bool write(std::string_view chunk) override
    {
        if (!session_ || chunk.empty()) return true;
        char size[24];
        std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
        std::string bytes{size};
        bytes.append(chunk).append("\r\n");
        session_->queue_raw(std::move(bytes), false);
        return session_->raw_has_room();
    }
    void when_ready(std::function<void()> resume) override
    {
        if (session_) session_->when_raw_drained(std::move(resume));
        else resume();
    }
    void finish(const std::vector<std::pair<std::string, std::string>>& trailers) override
    {
        if (!session_) return;
        std::string bytes = "0\r\n";
        for (const auto& [name, value] : trailers) bytes += name + ": " + value + "\r\n";
        bytes += "\r\n";
        session_->queue_raw(std::move(bytes), true);
        session_.reset();
    }

private:
    std::shared_ptr<Session> session_;
};

Session::Session(boost::asio::ip::tcp::socket socket, const Router& router, std::shared_ptr<std::size_t> open_sessions)
    : socket_{std::move(socket)}, router_{router}, open_sessions_{std::move(open_sessions)}
{
    ++*open_sessions_;
}

Session::~Session() { --*open_sessions_; }

void Session::read_header()
{
    parser_.emplace();
    parser_->header_limit(64 * 1024);
    parser_->body_limit(boost::none); // CappedStringBody bounds the memory itself
    beast_http::async_read_header(socket_, buffer_, *parser_,
                                  [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) {
                                      self->on_header(ec);
                                  });
}

void Session::on_header(const boost::beast::error_code& ec)
{
    if (ec) {
        if (!is_disconnect(ec)) reject(Status::bad_request, "Malformed HTTP request: " + ec.message());
        return;
    }
    auto& request = parser_->get();
    route_ = router_.match(request.method(), request.target());
    request.body().limit = route_.kind == Router::Match::Kind::Found ? route_.body_limit : 0;
    if (route_.hooks && route_.hooks->on_body_start) {
        if (auto sink = route_.hooks->on_body_start(request, route_.params)) {
            request.body().sink = std::move(sink);
            request.body().limit = kMaxStreamedBody;
        }
    }

    // curl asks before sending bodies over 1 MB; without an answer it waits a second.
    if (boost::beast::iequals(request[beast_http::field::expect], "100-continue")) {
        auto go_ahead = std::make_shared<beast_http::response<beast_http::empty_body>>(Status::continue_, 11);
        beast_http::async_write(socket_, *go_ahead,
                                [self = shared_from_this(), go_ahead](const boost::beast::error_code& write_ec, std::size_t) {
                                    if (!write_ec) self->read_body();
                                });
        return;
    }
    read_body();
}

void Session::read_body()
{
    if (!parser_->get().body().sink) {
        beast_http::async_read(socket_, buffer_, *parser_,
                               [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) { self->on_body(ec); });
        return;
    }
    // A body passed on as a stream is read piece by piece, so reading can pause while its
    // consumer is full: the peer then waits in TCP's own flow control, not in our memory.
    beast_http::async_read_some(socket_, buffer_, *parser_,
                                [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) {
                                    self->on_body_piece(ec);
                                });
}

void Session::on_body_piece(const boost::beast::error_code& ec)
{
    if (ec || parser_->is_done()) {
        on_body(ec);
        return;
    }
    auto& body = parser_->get().body();
    if (!body.sink_full) {
        read_body();
        return;
    }
    body.sink_full = false;
    body.sink.when_ready([self = shared_from_this()] { self->read_body(); });
}

void Session::on_body(const boost::beast::error_code& ec)
{
    if (ec) {
        if (!is_disconnect(ec)) reject(Status::bad_request, "Malformed HTTP request: " + ec.message());
        else if (route_.hooks && route_.hooks->on_truncated && parser_->got_some()) route_.hooks->on_truncated(route_.params);
        return;
    }
    Request request = parser_->release();
    keep_alive_ = request.keep_alive();
    switch (route_.kind) {
    case Router::Match::Kind::NotFound:
        respond(make_response(Status::not_found, "404 page not found\n", "text/plain; charset=utf-8"));
        return;
    case Router::Match::Kind::MethodNotAllowed:
        respond(make_response(Status::method_not_allowed, std::string{}, ""));
        return;
    case Router::Match::Kind::Found:
        (*route_.handler)(request, route_.params, Responder{shared_from_this()});
        return;
    }
}

void Session::reject(Status status, const std::string& text)
{
    keep_alive_ = false;
    respond(make_response(status, text + "\n", "text/plain; charset=utf-8"));
}

void Session::respond(Response response, AfterSent after_sent)
{
    after_sent_ = std::move(after_sent);
    response_ = std::move(response);
    response_.keep_alive(keep_alive_);
    response_.prepare_payload();
    beast_http::async_write(socket_, response_,
                            [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) { self->on_write(ec); });
}

std::shared_ptr<ResponseStream> Session::respond_in_pieces(Response head)
{
    head.keep_alive(keep_alive_);
    head.chunked(true);
    std::ostringstream text;
    text << head.base();
    raw_finished_ = false;
    queue_raw(text.str(), false);
    return std::make_shared<ChunkedResponse>(shared_from_this());
}

void Session::queue_raw(std::string bytes, bool last)
{
    raw_finished_ = raw_finished_ || last;
    if (raw_caller_gone_) return; // dropped: the invocation goes on without its caller
    raw_queued_bytes_ += bytes.size();
    raw_queue_.push_back(std::move(bytes));
    write_queued();
}

void Session::when_raw_drained(std::function<void()> resume)
{
    if (raw_has_room()) resume();
    else raw_drained_ = std::move(resume);
}

void Session::write_queued()
{
    if (raw_writing_ || raw_queue_.empty()) return;
    raw_writing_ = true;
    boost::asio::async_write(socket_, boost::asio::buffer(raw_queue_.front()),
                             [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) {
                                 self->on_raw_written(ec);
                             });
}

void Session::on_raw_written(const boost::beast::error_code& ec)
{
    raw_writing_ = false;
    if (ec) {
        raw_caller_gone_ = true; // the caller is gone; the invocation goes on
        raw_queue_.clear();
        raw_queued_bytes_ = 0;
    } else {
        raw_queued_bytes_ -= raw_queue_.front().size();
        raw_queue_.pop_front();
    }
    // Resume the producer once half the cap has drained, not at every chunk.
    if (raw_drained_ && raw_queued_bytes_ <= kMaxQueuedStreamBytes / 2) std::exchange(raw_drained_, {})();
    if (ec) return;
    if (!raw_queue_.empty()) {
        write_queued();
    } else if (raw_finished_) {
        raw_finished_ = false;
        on_write({});
    }
}

void Session::on_write(const boost::beast::error_code& ec)
{
    response_.body().reset(); // let go of a shared payload as soon as it is on the wire
    if (auto after_sent = std::move(after_sent_)) after_sent();
    if (ec) return;
    if (!keep_alive_) {
        boost::system::error_code ignored;
        socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
        return;
    }
    read_header();
}

} // namespace lambda_emu::http
