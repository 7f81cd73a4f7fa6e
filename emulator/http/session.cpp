// The session's chain, as in Beast's examples: read_header -> on_header -> read_body -> on_body_part
// -> dispatch -> respond -> on_write, and again. Its deadlines and ending are in
// session_deadlines.cpp; answers sent in pieces are in streamed_response.cpp.
#include "session.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <utility>

namespace lambda_emu::http {

namespace beast_http = boost::beast::http;

namespace {

// The peer went away (or we closed the connection ourselves): nothing to answer, nobody to tell.
bool is_disconnect(const boost::beast::error_code& ec)
{
    return ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message ||
           ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
           ec == boost::asio::error::operation_aborted || ec == boost::asio::error::broken_pipe ||
           ec == boost::asio::error::bad_descriptor;
}

// Streams more than 6 MB are fine: they are passed on, not kept (docs/lambda-rules.md §1.4: up to 200 MB).
constexpr std::size_t kMaxStreamedBody = 200 * 1024 * 1024;

// How much a large (or chunked) body is read at a time: a pipe's or a socket buffer's worth.
constexpr std::size_t kLargeBodyRead = 64 * 1024;

// What route code that threw leaves the client with: Lambda's shape; the exception's text may
// hold any bytes, so it is dumped with invalid UTF-8 replaced rather than thrown again.
Response internal_error(const std::string& what)
{
    const nlohmann::json body{{"errorMessage", "Internal Server Error: " + what}, {"errorType", "InternalServerError"}};
    return json_response(Status::internal_server_error,
                         body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response payload_too_large(std::size_t limit)
{
    const nlohmann::json body{
        {"errorMessage", "Exceeded maximum allowed payload size (" + std::to_string(limit) + " bytes)."},
        {"errorType", "RequestEntityTooLarge"}};
    return json_response(Status::payload_too_large, body.dump());
}

} // namespace

Session::Session(boost::asio::ip::tcp::socket socket, const Router& router,
                 std::shared_ptr<ConnectionRegistry> registry, const ConnectionTimeouts& timeouts)
    : socket_{std::move(socket)}, router_{router}, registry_{std::move(registry)},
      registered_{registry_->add(*this)}, timeouts_{timeouts}, deadline_{socket_.get_executor()}
{
}

Session::~Session()
{
    if (registered_) registry_->remove(*registered_);
}

void Session::fail(const boost::beast::error_code& ec, const char* what) const
{
    if (is_disconnect(ec)) return;
    std::fprintf(stderr, "[lambda-emu] http: %s: %s failed: %s\n",
                 method_and_path_.empty() ? "connection" : method_and_path_.c_str(), what, ec.message().c_str());
}

bool Session::guarded(const char* what, const std::function<void()>& route_code)
{
    std::string problem;
    try {
        route_code();
        return true;
    } catch (const std::exception& error) {
        problem = error.what();
    } catch (...) {
        problem = "unknown exception";
    }
    for (char& c : problem) {
        if (c == '\n' || c == '\r') c = ' '; // one line on stderr, whatever the text
    }
    std::fprintf(stderr, "[lambda-emu] http: %s: %s threw: %s\n", method_and_path_.c_str(), what, problem.c_str());
    if (!answered_) {
        keep_alive_ = false; // a responder the route code parked may still be out there
        respond(internal_error(problem));
    }
    return false;
}

void Session::await_next_request()
{
    waiting_since_ = std::chrono::steady_clock::now();
    if (buffer_.size() > 0) { // pipelined: the next request is already here
        read_header();
        return;
    }
    stage_ = Stage::Idle;
    arm_deadline(timeouts_.idle);
    socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                           if (ec) {
                               self->fail(ec, "waiting for a request");
                               return;
                           }
                           self->read_header();
                       });
}

void Session::read_header()
{
    stage_ = Stage::Header;
    answered_ = false;
    streamed_body_ = false;
    method_and_path_.clear();
    arm_deadline(timeouts_.header);
    parser_.emplace();
    parser_->header_limit(64 * 1024);
    parser_->body_limit(boost::none); // CappedStringBody bounds the memory itself
    beast_http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(const boost::beast::error_code& ec)
{
    disarm_deadline();
    if (ec) {
        if (!is_disconnect(ec)) reject(Status::bad_request, "Malformed HTTP request: " + ec.message());
        return;
    }
    stage_ = Stage::Body;
    auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    method_and_path_ = std::string{request.method_string()} + " " + std::string{request.target()};
    route_ = router_.match(request.method(), request.target());
    const RouteHooks* hooks = route_.kind == Router::Match::Kind::Found ? route_.hooks : nullptr;
    request.body().limit = hooks ? route_.body_limit : 0;

    if (hooks && hooks->refuse_from_head) {
        std::optional<Response> refusal;
        if (!guarded("its head check", [&] { refusal = hooks->refuse_from_head(request, route_.params); })) return;
        if (refusal) {
            keep_alive_ = false; // the body stays unread: this connection cannot carry another request
            respond(std::move(*refusal));
            return;
        }
    }
    if (hooks && hooks->on_body_start) {
        BodySink sink;
        if (!guarded("its body start", [&] { sink = hooks->on_body_start(request, route_.params); })) return;
        if (sink) {
            request.body().sink = std::move(sink);
            request.body().limit = kMaxStreamedBody;
            streamed_body_ = true;
        }
    }
    // A body announced larger than could ever be taken is answered from the head alone.
    if (const auto length = parser_->content_length(); length && *length > request.body().limit) {
        request.body().received = *length;
        answer_oversized();
        return;
    }
    if (parser_->is_done()) { // no body
        dispatch();
        return;
    }

    // curl asks before sending bodies over 1 MB; without an answer it waits a second.
    if (boost::beast::iequals(request[beast_http::field::expect], "100-continue")) {
        auto go_ahead = std::make_shared<beast_http::response<beast_http::empty_body>>(Status::continue_, 11);
        beast_http::async_write(
            socket_, *go_ahead,
            [self = shared_from_this(), go_ahead](const boost::beast::error_code& write_ec, std::size_t) {
                if (write_ec) self->fail(write_ec, "writing 100 Continue");
                else self->read_body();
            });
        return;
    }
    read_body();
}

void Session::read_body()
{
    if (const auto length = parser_->content_length();
        !streamed_body_ && length && *length > kLargeBodyRead && parser_->get().body().bytes.empty()) {
        read_body_in_place();
        return;
    }
    // A body passed on as it arrives (a streamed response) may pause as long as the function does.
    if (streamed_body_) disarm_deadline();
    else arm_deadline(timeouts_.body_progress);
    // Beast reads at most the buffer's free room (512 bytes at least) at a time, and the buffer
    // only grows to a header's size: a 1 MB body was ~2,000 reads of ~500 bytes, each a trip
    // round the event loop. Room for 64 KB makes that 16 reads; small bodies keep a small buffer.
    if (const auto length = parser_->content_length();
        (parser_->chunked() || (length && *length > kLargeBodyRead)) && buffer_.capacity() < kLargeBodyRead) {
        buffer_.reserve(kLargeBodyRead);
    }
    // Read piece by piece: a chunked body is judged as it grows, and a streamed one can pause
    // while its consumer is full, the peer then waiting in TCP's own flow control, not in our memory.
    beast_http::async_read_some(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) { self->on_body_part(ec); });
}

void Session::on_body_part(const boost::beast::error_code& ec)
{
    disarm_deadline();
    if (ec) {
        body_read_failed(ec);
        return;
    }
    // A chunked body that has grown past the limit: no need to hear the rest.
    if (parser_->get().body().overflowed()) {
        answer_oversized();
        return;
    }
    if (parser_->is_done()) {
        dispatch();
        return;
    }
    auto& body = parser_->get().body();
    if (body.sink_full) {
        body.sink_full = false;
        body.sink.when_ready([self = shared_from_this()] { self->read_body(); });
        return;
    }
    read_body();
}

// Beast's parser reads a body into the read buffer and copies it from there into the body: for
// a 6 MB payload, a 6 MB memmove on each of its two trips (caller -> emulator, runtime ->
// emulator), and a read of at most 64 KB per trip round the event loop. A body whose length the
// header gave (within the limit: on_header answered anything larger) is read by the socket
// straight into its own buffer instead, as much as has arrived per read; the parser keeps the
// header, and a new parser reads the next request. Only what came with the header is copied.
void Session::read_body_in_place()
{
    auto& body = parser_->get().body();
    const auto length = static_cast<std::size_t>(*parser_->content_length());
    body.bytes.reserve(length + kValidatorPadding); // the validator's padding, as CappedStringBody keeps
    const std::size_t early = std::min(buffer_.size(), length);
    body.bytes.append(static_cast<const char*>(buffer_.data().data()), early);
    buffer_.consume(early);
    body.bytes.resize(length);
    body.received = early;
    on_body_in_place({}, 0);
}

void Session::on_body_in_place(const boost::beast::error_code& ec, std::size_t bytes)
{
    disarm_deadline();
    auto& body = parser_->get().body();
    body.received += bytes;
    if (ec) {
        body_read_failed(ec);
        return;
    }
    if (body.received == body.bytes.size()) {
        dispatch();
        return;
    }
    arm_deadline(timeouts_.body_progress);
    socket_.async_read_some(boost::asio::buffer(body.bytes.data() + body.received, body.bytes.size() - body.received),
                            [self = shared_from_this()](const boost::beast::error_code& read_ec, std::size_t read) {
                                self->on_body_in_place(read_ec, read);
                            });
}

// A body's read failed after its header came: a bad request is answered, a caller gone is told
// to the route (a streamed body cut short).
void Session::body_read_failed(const boost::beast::error_code& ec)
{
    if (!is_disconnect(ec)) {
        reject(Status::bad_request, "Malformed HTTP request: " + ec.message());
    } else if (route_.hooks && route_.hooks->on_truncated) {
        guarded("its truncation hook", [this] { route_.hooks->on_truncated(route_.params); });
    }
}

void Session::answer_oversized()
{
    keep_alive_ = false; // the body stays unread: this connection cannot carry another request
    if (route_.kind == Router::Match::Kind::Found && !route_.hooks->answers_oversized_body) {
        respond(payload_too_large(route_.body_limit));
        return;
    }
    dispatch();
}

void Session::dispatch()
{
    stage_ = Stage::Answering;
    Request request = parser_->release();
    switch (route_.kind) {
    case Router::Match::Kind::NotFound:
        respond(make_response(Status::not_found, "404 page not found\n", "text/plain; charset=utf-8"));
        return;
    case Router::Match::Kind::MethodNotAllowed:
        respond(make_response(Status::method_not_allowed, std::string{}, ""));
        return;
    case Router::Match::Kind::Found:
        guarded("its handler", [&] { (*route_.handler)(request, route_.params, Responder{shared_from_this()}); });
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
    if (answered_) { // one answer per request: a second one (from route code that failed) is dropped
        if (after_sent) after_sent();
        return;
    }
    answered_ = true;
    stage_ = Stage::Answering;
    disarm_deadline();
    after_sent_ = std::move(after_sent);
    response_ = std::move(response);
    response_.keep_alive(keep_alive_);
    response_.prepare_payload();
    // A 204 carries no Content-Length at all (RFC 9110 8.6), and a 304's would describe the
    // resource, not this empty reply: Beast sets "0" on both.
    const unsigned status = response_.result_int();
    if (status == 204 || status == 304) response_.erase(beast_http::field::content_length);
    beast_http::async_write(
        socket_, response_,
        [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(const boost::beast::error_code& ec)
{
    response_.body().reset(); // let go of a shared payload as soon as it is on the wire
    if (auto after_sent = std::move(after_sent_)) after_sent();
    if (ec) {
        fail(ec, "writing the response");
        return;
    }
    if (!keep_alive_) {
        start_lingering();
        return;
    }
    await_next_request();
}

} // namespace lambda_emu::http
