// The HTTP layer on a real listener on 127.0.0.1: percent-decoding, the guard around route code,
// the deadlines on reading, the connection cap and the answers given from a request's head.
// The server runs its event loop on a thread of the test; the test is a plain blocking client.
#include "http/percent.hpp"
#include "http/server.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

using namespace lambda_emu;
using namespace std::chrono_literals;
using tcp = boost::asio::ip::tcp;

TEST_CASE("percent-decoding takes every byte and refuses escapes that are not two hex digits")
{
    CHECK(http::percent_decode("my-function") == std::optional<std::string>{"my-function"});
    CHECK(http::percent_decode("arn%3Aaws%3alambda") == std::optional<std::string>{"arn:aws:lambda"});
    CHECK(http::percent_decode("%24LATEST") == std::optional<std::string>{"$LATEST"});
    CHECK(http::percent_decode("%ff%00") == std::optional<std::string>{std::string{"\xff\0", 2}});
    CHECK(http::percent_decode("") == std::optional<std::string>{""});
    for (const char* bad : {"%zz", "a%4", "%", "%%41", "%4g", "%+1", "%-1", "% 1", "x%0"}) {
        CAPTURE(bad);
        CHECK_FALSE(http::percent_decode(bad).has_value());
    }
    CHECK(http::first_bad_escape("ok%41%zzrest") == "%zz");
    CHECK(http::first_bad_escape("name%4") == "%4");
    CHECK(http::first_bad_escape("fine%41").empty());
}

namespace {

// A Server on its own event loop thread, stopped and joined at the end of the test.
struct LiveServer {
    http::Router router;
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
    std::unique_ptr<http::Server> server;
    std::thread loop;

    void start(http::Server::Options options = {})
    {
        std::string error;
        server = http::Server::listen(io, router, options, error);
        REQUIRE_MESSAGE(server, error);
        loop = std::thread{[this] { io.run(); }};
    }
    ~LiveServer()
    {
        boost::asio::post(io, [this] { server->stop(); });
        work.reset();
        io.stop();
        if (loop.joinable()) loop.join();
        server.reset();
    }
    unsigned short port() const { return server->port(); }
    // Runs `code` on the server's loop (where route code runs) and waits for it.
    template <class Code> void on_loop(Code code)
    {
        std::promise<void> done;
        boost::asio::post(io, [&] {
            code();
            done.set_value();
        });
        done.get_future().wait();
    }
    // Waits (up to a generous 10 s) until `condition`, checked on the loop, holds.
    template <class Condition> bool eventually(Condition condition)
    {
        for (int i = 0; i < 1000; ++i) {
            bool holds = false;
            on_loop([&] { holds = condition(); });
            if (holds) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
};

// A blocking client connection.
struct Client {
    boost::asio::io_context io;
    tcp::socket socket{io};

    explicit Client(unsigned short port) { socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}); }
    void send(std::string_view bytes) { boost::asio::write(socket, boost::asio::buffer(bytes.data(), bytes.size())); }
    // Whether something (data or the end) can be read within `timeout`.
    bool readable_within(std::chrono::milliseconds timeout)
    {
        pollfd fd{socket.native_handle(), POLLIN, 0};
        return ::poll(&fd, 1, static_cast<int>(timeout.count())) > 0;
    }
    // Reads until the server closes its side, or `timeout` passes without a byte (then "" + closed = false).
    std::string read_to_end(std::chrono::milliseconds timeout, bool* closed = nullptr)
    {
        std::string text;
        char chunk[65536];
        for (;;) {
            if (!readable_within(timeout)) break;
            const auto got = ::recv(socket.native_handle(), chunk, sizeof chunk, 0);
            if (got <= 0) {
                if (closed) *closed = true;
                return text;
            }
            text.append(chunk, static_cast<std::size_t>(got));
        }
        if (closed) *closed = false;
        return text;
    }
    // Reads one response whose body has a Content-Length.
    std::string read_response(std::chrono::milliseconds timeout = 10s)
    {
        std::string text;
        char chunk[65536];
        for (;;) {
            const auto head_end = text.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                const auto at = text.find("Content-Length: ");
                const std::size_t length = at == std::string::npos ? 0 : std::stoul(text.substr(at + 16));
                if (text.size() >= head_end + 4 + length) return text;
            }
            if (!readable_within(timeout)) return text;
            const auto got = ::recv(socket.native_handle(), chunk, sizeof chunk, 0);
            if (got <= 0) return text;
            text.append(chunk, static_cast<std::size_t>(got));
        }
    }
    bool closed_by_server(std::chrono::milliseconds timeout)
    {
        bool closed = false;
        read_to_end(timeout, &closed);
        return closed;
    }
};

std::string body_of(const std::string& response)
{
    return response.substr(response.find("\r\n\r\n") + 4);
}

std::string get(std::string_view path, std::string_view extra_headers = "")
{
    return "GET " + std::string{path} + " HTTP/1.1\r\nHost: t\r\n" + std::string{extra_headers} + "\r\n";
}

void add_ping(http::Router& router)
{
    router.add(http::Verb::get, "/ping", [](http::Request&, const http::PathParams&, http::Responder responder) {
        responder.send(http::make_response(http::Status::ok, "pong", "text/plain"));
    });
}

// A long poll like /runtime/invocation/next: the responder is parked, answered later by the test.
void add_parking_route(http::Router& router, std::vector<http::Responder>& parked)
{
    router.add(http::Verb::get, "/next", [&parked](http::Request&, const http::PathParams&, http::Responder responder) {
        parked.push_back(std::move(responder));
    });
}

} // namespace

TEST_CASE("a route handler that throws gets its caller a Lambda-shaped 500, and the server goes on")
{
    LiveServer live;
    live.router.add(http::Verb::get, "/throws", [](http::Request&, const http::PathParams&, http::Responder) {
        throw std::runtime_error{"bad byte \xff in a message"};
    });
    live.router.add(http::Verb::get, "/answers-then-throws",
                    [](http::Request&, const http::PathParams&, http::Responder responder) {
                        responder.send(http::make_response(http::Status::accepted, "fine", "text/plain"));
                        throw std::logic_error{"too late to matter"};
                    });
    add_ping(live.router);
    live.start();

    Client client{live.port()};
    client.send(get("/throws"));
    const auto answer = client.read_response();
    CHECK(answer.rfind("HTTP/1.1 500", 0) == 0);
    const auto body = nlohmann::json::parse(body_of(answer));
    CHECK(body["errorType"] == "InternalServerError");
    CHECK(body["errorMessage"].get<std::string>().find("bad byte") != std::string::npos);

    Client second{live.port()};
    second.send(get("/answers-then-throws"));
    CHECK(second.read_response().rfind("HTTP/1.1 202", 0) == 0); // the answer given stands
    Client third{live.port()};
    third.send(get("/ping"));
    CHECK(body_of(third.read_response()) == "pong");
}

TEST_CASE("the body hooks are guarded too")
{
    LiveServer live;
    int truncations = 0;
    live.router.add(
        http::Verb::post, "/hooked", [](http::Request&, const http::PathParams&, http::Responder) {}, 1024,
        http::RouteHooks{.on_truncated =
                             [&truncations](const http::PathParams&) {
                                 ++truncations;
                                 throw std::runtime_error{"truncation"};
                             },
                         .on_body_start = [](http::Request& head, const http::PathParams&) -> http::BodySink {
                             if (head["X-Throw"] == "yes") throw std::runtime_error{"body start"};
                             return {};
                         }});
    add_ping(live.router);
    live.start();

    Client client{live.port()};
    client.send("POST /hooked HTTP/1.1\r\nHost: t\r\nX-Throw: yes\r\nContent-Length: 3\r\n\r\nabc");
    CHECK(client.read_response().rfind("HTTP/1.1 500", 0) == 0);

    {
        Client truncating{live.port()};
        truncating.send("POST /hooked HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    } // gone mid-body: the truncation hook runs, and throws
    REQUIRE(live.eventually([&] { return truncations == 1; }));
    Client after{live.port()};
    after.send(get("/ping"));
    CHECK(body_of(after.read_response()) == "pong");
}

TEST_CASE("a slow header, a stalled body and an idle keep-alive connection are cut; the server goes on")
{
    LiveServer live;
    add_ping(live.router);
    live.router.add(http::Verb::post, "/upload",
                    [](http::Request& request, const http::PathParams&, http::Responder responder) {
                        responder.send(http::make_response(http::Status::ok,
                                                           std::to_string(request.body().bytes.size()), "text/plain"));
                    });
    http::Server::Options options;
    options.timeouts.header = 300ms;
    options.timeouts.body_progress = 300ms;
    options.timeouts.idle = 600ms;
    live.start(options);

    Client slowloris{live.port()};
    slowloris.send("GET /ping HTTP/1.1\r\n");
    bool cut = false;
    for (int i = 0; i < 100 && !cut; ++i) { // a byte every 50 ms: the header would take far longer than 300 ms
        try {
            slowloris.send("X");
        } catch (const boost::system::system_error&) {
            cut = true;
        }
        if (!cut && slowloris.readable_within(50ms)) cut = slowloris.closed_by_server(1s);
    }
    CHECK(cut);

    // A body that keeps making progress is read however long it takes in all.
    Client steady{live.port()};
    steady.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 8\r\n\r\n");
    for (int i = 0; i < 8; ++i) {
        std::this_thread::sleep_for(100ms);
        steady.send("b");
    }
    CHECK(body_of(steady.read_response()) == "8");

    Client stalled{live.port()};
    stalled.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part of it");
    CHECK(stalled.closed_by_server(5s));

    Client idle{live.port()};
    idle.send(get("/ping"));
    CHECK(body_of(idle.read_response()) == "pong");
    CHECK(idle.closed_by_server(5s));

    Client fresh{live.port()};
    fresh.send(get("/ping"));
    CHECK(body_of(fresh.read_response()) == "pong");
}

TEST_CASE("parked long polls and streamed responses are never timed out")
{
    LiveServer live;
    std::vector<http::Responder> parked;
    std::shared_ptr<http::ResponseStream> stream;
    add_parking_route(live.router, parked);
    live.router.add(http::Verb::get, "/stream",
                    [&stream](http::Request&, const http::PathParams&, http::Responder responder) {
                        stream = responder.stream(http::make_response(http::Status::ok, std::string{}, "text/plain"));
                        stream->write("first ");
                    });
    http::Server::Options options;
    options.timeouts.header = 100ms;
    options.timeouts.body_progress = 100ms;
    options.timeouts.idle = 100ms;
    live.start(options);

    Client poller{live.port()};
    poller.send(get("/next"));
    Client streamed{live.port()};
    streamed.send(get("/stream", "Connection: close\r\n"));
    std::this_thread::sleep_for(800ms); // eight times every timeout
    live.on_loop([&] {
        REQUIRE(parked.size() == 1);
        parked.front().send(http::make_response(http::Status::ok, "event", "text/plain"));
        stream->write("second");
        stream->finish({});
        stream.reset();
    });
    CHECK(body_of(poller.read_response()) == "event");
    const auto chunked = streamed.read_to_end(5s);
    CHECK(chunked.find("first ") != std::string::npos);
    CHECK(chunked.find("second") != std::string::npos);
}

TEST_CASE("at the cap, the connection waiting longest makes room; busy ones are never closed")
{
    LiveServer live;
    add_ping(live.router);
    std::vector<http::Responder> parked;
    add_parking_route(live.router, parked);
    http::Server::Options options;
    options.max_connections = 4;
    live.start(options);

    Client poll_a{live.port()};
    poll_a.send(get("/next"));
    Client poll_b{live.port()};
    poll_b.send(get("/next"));
    REQUIRE(live.eventually([&] { return parked.size() == 2; }));
    Client served_then_idle{live.port()};
    served_then_idle.send(get("/ping"));
    CHECK(body_of(served_then_idle.read_response()) == "pong");
    std::vector<std::unique_ptr<Client>> silent;
    for (int i = 0; i < 10; ++i) silent.push_back(std::make_unique<Client>(live.port())); // never send a byte

    // Twelve idle newcomers for two free places: each is served in turn by closing an older idle one.
    Client newcomer{live.port()};
    newcomer.send(get("/ping"));
    CHECK(body_of(newcomer.read_response()) == "pong");
    CHECK(served_then_idle.closed_by_server(5s)); // idle the longest, so the first to go

    live.on_loop([&] {
        REQUIRE(parked.size() == 2);
        for (auto& responder : parked) responder.send(http::make_response(http::Status::ok, "event", "text/plain"));
    });
    CHECK(body_of(poll_a.read_response()) == "event");
    CHECK(body_of(poll_b.read_response()) == "event");
}

TEST_CASE("when every connection is busy, the newcomer is the one turned away")
{
    LiveServer live;
    std::vector<http::Responder> parked;
    add_parking_route(live.router, parked);
    http::Server::Options options;
    options.max_connections = 2;
    live.start(options);
    Client poll_a{live.port()};
    poll_a.send(get("/next"));
    Client poll_b{live.port()};
    poll_b.send(get("/next"));
    REQUIRE(live.eventually([&] { return parked.size() == 2; }));
    Client newcomer{live.port()};
    CHECK(newcomer.closed_by_server(5s));
    live.on_loop([&] {
        REQUIRE(parked.size() == 2);
        for (auto& responder : parked) responder.send(http::make_response(http::Status::ok, "event", "text/plain"));
    });
    CHECK(body_of(poll_a.read_response()) == "event");
}

TEST_CASE("bodies that can never be taken are answered from the head, without being read")
{
    LiveServer live;
    int handled = 0;
    live.router.add(
        http::Verb::post, "/small",
        [&handled](http::Request&, const http::PathParams&, http::Responder responder) {
            ++handled;
            responder.send(http::make_response(http::Status::ok, "taken", "text/plain"));
        },
        16);
    live.router.add(
        http::Verb::post, "/own-413",
        [](http::Request& request, const http::PathParams&, http::Responder responder) {
            responder.send(
                http::make_response(request.body().overflowed() ? http::Status::payload_too_large : http::Status::ok,
                                    std::to_string(request.body().received), "text/plain"));
        },
        16, http::RouteHooks{.answers_oversized_body = true});
    live.router.add(
        http::Verb::post, "/item/{id}/response",
        [](http::Request&, const http::PathParams&, http::Responder responder) {
            responder.send(http::make_response(http::Status::accepted, "accepted", "text/plain"));
        },
        16,
        http::RouteHooks{.refuse_from_head = [](const http::Request&,
                                                const http::PathParams& params) -> std::optional<http::Response> {
            if (params[0] == "current") return std::nullopt;
            return http::make_response(http::Status::bad_request, "Invalid request ID", "text/plain");
        }});
    live.start();

    Client announced{live.port()};
    announced.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000000\r\n\r\nfirst bytes");
    const auto refused = announced.read_response(5s);
    CHECK(refused.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(nlohmann::json::parse(body_of(refused))["errorType"] == "RequestEntityTooLarge");

    Client own{live.port()};
    own.send("POST /own-413 HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000000\r\n\r\nfirst bytes");
    const auto own_answer = own.read_response(5s);
    CHECK(own_answer.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(body_of(own_answer) == "1000000000");

    Client endless{live.port()}; // chunked: the length is learnt as it grows
    endless.send("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; ++i) endless.send("10\r\n0123456789abcdef\r\n");
    CHECK(endless.read_response(5s).rfind("HTTP/1.1 413", 0) == 0);

    Client wrong_id{live.port()};
    wrong_id.send("POST /item/stale/response HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    CHECK(body_of(wrong_id.read_response(5s)) == "Invalid request ID");
    Client right_id{live.port()};
    right_id.send("POST /item/current/response HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
    CHECK(body_of(right_id.read_response(5s)) == "accepted");

    // A client that sends its whole (modest) body before reading still gets the answer, not a reset.
    Client polite{live.port()};
    polite.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n" + std::string(2000000, 'x'));
    CHECK(polite.read_response(5s).rfind("HTTP/1.1 413", 0) == 0);
    live.on_loop([&] { CHECK(handled == 0); });
}

TEST_CASE("a large body of known length arrives whole and exact, in pieces, with a request behind it")
{
    LiveServer live;
    add_ping(live.router);
    std::vector<std::string> received;
    live.router.add(http::Verb::post, "/upload",
                    [&received](http::Request& request, const http::PathParams&, http::Responder responder) {
                        received.push_back(request.body().bytes);
                        // The validator's padding is kept past the end, as for a body Beast reads.
                        const bool padded = request.body().bytes.capacity() - request.body().bytes.size() >= 64;
                        responder.send(
                            http::make_response(http::Status::ok, padded ? "padded" : "not padded", "text/plain"));
                    });
    http::Server::Options options;
    options.timeouts.body_progress = 300ms;
    live.start(options);

    // Larger than a read's 64 KB, every byte value, sent in uneven pieces with pauses; the first
    // piece shares the header's write, and the next request follows the body's last byte.
    std::string body(300 * 1024 + 7, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 31 % 251);
    Client client{live.port()};
    const std::string head =
        "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    client.send(head + body.substr(0, 1000));
    std::size_t at = 1000;
    for (const std::size_t piece : {70000U, 1U, 150000U}) {
        std::this_thread::sleep_for(20ms);
        client.send(std::string_view{body}.substr(at, piece));
        at += piece;
    }
    client.send(body.substr(at) + get("/ping"));
    const std::string answers = client.read_to_end(2s);
    CHECK(answers.find("padded") != std::string::npos);
    CHECK(answers.find("not padded") == std::string::npos);
    CHECK(answers.find("pong") != std::string::npos);
    live.on_loop([&] {
        REQUIRE(received.size() == 1);
        CHECK(received[0] == body);
    });

    // Stalled halfway: cut at the progress deadline, nothing dispatched, the server goes on.
    Client stalled{live.port()};
    stalled.send(head + body.substr(0, 100000));
    CHECK(stalled.closed_by_server(5s));
    live.on_loop([&] { CHECK(received.size() == 1); });
    Client fresh{live.port()};
    fresh.send(get("/ping"));
    CHECK(body_of(fresh.read_response()) == "pong");
}
