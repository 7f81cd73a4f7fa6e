#pragma once
// One HTTP/1.1 connection, as Beast's own examples structure it: read a request, hand it to the
// router, write the response when the handler (or a parked responder) gives it, repeat while
// keep-alive holds. Reading is under deadlines (a header, a body that stalls, an idle keep-alive
// connection); answering is not, so long polls and streamed responses last as long as they need.
#include "connection_registry.hpp"
#include "message.hpp"
#include "responder.hpp"
#include "router.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lambda_emu::http {

// How long a client may take; none applies while the emulator itself is answering.
struct ConnectionTimeouts {
    std::chrono::milliseconds header{10'000};        // a request's head, from its first byte (or the connection)
    std::chrono::milliseconds body_progress{10'000}; // the longest pause inside a body being read
    std::chrono::milliseconds idle{60'000};          // a keep-alive connection between requests
};

class Session : public ResponseSink, public std::enable_shared_from_this<Session> {
public:
    Session(boost::asio::ip::tcp::socket socket, const Router& router, std::shared_ptr<ConnectionRegistry> registry,
            const ConnectionTimeouts& timeouts);
    ~Session() override;
    void start() { read_header(); }
    void respond(Response response, AfterSent after_sent = {}) override;
    std::shared_ptr<ResponseStream> respond_in_pieces(Response head) override;

    // For the listener's cap: idle between requests or still waiting for a head, and since when.
    bool waiting_for_request() const
    {
        return stage_ == Stage::Idle || stage_ == Stage::Header || stage_ == Stage::Lingering;
    }
    std::chrono::steady_clock::time_point waiting_since() const { return waiting_since_; }
    // Closes the connection now and leaves the registry (its pending read ends as aborted).
    void evict();

private:
    enum class Stage { Idle, Header, Body, Answering, Lingering };

    void await_next_request();
    void read_header();
    void on_header(const boost::beast::error_code& ec);
    void read_body();
    void on_body_part(const boost::beast::error_code& ec);
    void read_body_in_place(); // a large body of known length, straight into its own buffer
    void on_body_in_place(const boost::beast::error_code& ec, std::size_t bytes);
    void body_read_failed(const boost::beast::error_code& ec);
    void dispatch();
    void answer_oversized();                             // from the head, or once a chunked body passes the limit
    void reject(Status status, const std::string& text); // answer and close
    void on_write(const boost::beast::error_code& ec);
    // The one place connection errors are judged: a peer going away is normal, the rest is said.
    void fail(const boost::beast::error_code& ec, const char* what) const;
    // Runs route code; an exception becomes a 500 (when nothing was answered yet) and a line on stderr.
    bool guarded(const char* what, const std::function<void()>& route_code);
    // Deadlines and the connection's end (session_deadlines.cpp).
    void arm_deadline(std::chrono::milliseconds after);
    void disarm_deadline() { deadline_.cancel(); }
    void on_deadline();
    void close();
    void start_lingering(); // after the last answer: stop sending, read and drop what still comes
    void linger();
    // A response in pieces (streamed_response.cpp): raw HTTP bytes queued and written one after another.
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
    std::shared_ptr<ConnectionRegistry> registry_;
    std::optional<ConnectionRegistry::Entry> registered_;
    ConnectionTimeouts timeouts_;
    boost::asio::steady_timer deadline_;
    Stage stage_ = Stage::Header;
    std::chrono::steady_clock::time_point waiting_since_ = std::chrono::steady_clock::now();
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<CappedStringBody>> parser_;
    Router::Match route_;
    std::string method_and_path_; // for the line on stderr when route code fails
    bool streamed_body_ = false;
    bool answered_ = false;
    std::size_t lingered_bytes_ = 0;
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
