#include "api_world.hpp"

#include "fake_environment.hpp"

#include "extensions-api/extensions_api.hpp"
#include "extensions-api/telemetry_hub.hpp"
#include "http/server.hpp"
#include "invoke/control_api.hpp"
#include "invoke/function_config_api.hpp"
#include "invoke/function_url_api.hpp"
#include "invoke/invoke_api.hpp"
#include "invoke/response_stream_api.hpp"
#include "runtime-api/runtime_api.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <memory>
#include <stdexcept>

namespace lambda_emu::fuzz {

namespace {

using boost::asio::ip::tcp;

// What `serve`'s environment pool does for the Invoke and control APIs, reduced to one
// environment: orders go to the real core, which completes them when the runtime answers.
class OneEnvironmentTarget final : public invoke::InvocationTarget, public invoke::ControlTarget {
public:
    OneEnvironmentTarget(core::Environment& environment, const core::FunctionConfig& function)
        : environment_{environment}, function_{function}
    {
    }

    invoke::Admission submit(invoke::Order order) override
    {
        auto kept = std::make_shared<invoke::Order>(std::move(order));
        const auto refused = environment_.invoke(std::move(kept->request), [kept](core::InvokeResult result) {
            if (kept->on_done) kept->on_done(result, "START RequestId: " + result.request_id + " Version: $LATEST\n");
        });
        if (!refused) return invoke::Admission::Accepted;
        return *refused == core::InvokeRefusal::Busy ? invoke::Admission::Busy : invoke::Admission::ShuttingDown;
    }
    const core::FunctionConfig& function() const override { return function_; }

    void shut_down(invoke::ShutdownOrder order, std::function<void(invoke::ShutdownOutcome)> done) override
    {
        if ((order.environment && *order.environment != 1) || (order.function && *order.function != function_.name)) {
            done(invoke::ShutdownRefused{"no such environment"});
            return;
        }
        environment_.shutdown(order.reason);
        done(report_json());
    }
    std::string report_json() const override { return R"({"invocations":[]})"; }
    std::string health_json() const override { return R"({"status":"ok"})"; }

private:
    core::Environment& environment_;
    const core::FunctionConfig& function_;
};

struct World {
    explicit World(boost::asio::io_context& io)
        : hub{io, clock, FakeEnvironment::function_config(), [](const std::string&) {}}, fake{hub},
          environment{fake.environment}, target{environment, fake.config}
    {
        functions.add(target, {});
        runtime_api::add_routes(router, environment);
        extensions_api::add_routes(router, environment);
        extensions_api::add_telemetry_routes(router, environment, hub, listeners);
        invoke::add_invoke_routes(router, functions, [] {
            return "Root=1-5f000000-000000000000000000000000;Parent=0000000000000000;Sampled=0";
        });
        invoke::add_response_stream_routes(router, functions, [] {
            return "Root=1-5f000000-000000000000000000000000;Parent=0000000000000000;Sampled=0";
        });
        invoke::add_function_url_routes(
            router, functions,
            {[] { return std::string{"00000000-0000-0000-0000-000000000000"}; },
             [] { return std::string{"Root=1-5f000000-000000000000000000000000;Parent=0000000000000000;Sampled=0"}; },
             [] { return std::int64_t{1583348638390}; }});
        invoke::add_control_routes(router, target);
        invoke::add_function_config_routes(router, functions);
        std::string error;
        server = http::Server::listen(io, router, {}, error);
        if (!server) throw std::runtime_error{"cannot listen: " + error};
        listeners.add(server->port()); // as a host does: subscriptions may not name it
        // In Init, as a fresh environment is: extensions may register and subscribe, the
        // runtime's first /next ends Init.
        environment.start_init();
    }

    testing::FakeClock clock; // the hub's; the environment has its own, as still
    extensions_api::TelemetryHub hub;
    FakeEnvironment fake;
    core::Environment& environment;
    OneEnvironmentTarget target;
    invoke::FunctionDirectory functions;
    http::ListenerPorts listeners;
    http::Router router;
    std::unique_ptr<http::Server> server; // last: stops accepting before the routes go
};

std::vector<std::string_view> connections_of(std::string_view input)
{
    std::vector<std::string_view> pieces;
    while (pieces.size() + 1 < kMaxConnections) {
        const auto at = input.find(kConnectionSeparator);
        if (at == std::string_view::npos) break;
        pieces.push_back(input.substr(0, at));
        input.remove_prefix(at + kConnectionSeparator.size());
    }
    pieces.push_back(input);
    return pieces;
}

struct Client {
    explicit Client(boost::asio::io_context& io) : socket{io} {}
    tcp::socket socket;
    bool closed_by_server = false;
};

// Reads what the server wrote so far; true when anything came.
bool drain(std::vector<std::unique_ptr<Client>>& clients, Exchange& exchange)
{
    bool got = false;
    std::array<char, 4096> buffer;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        auto& client = *clients[i];
        while (!client.closed_by_server) {
            boost::system::error_code ec;
            const std::size_t n = client.socket.read_some(boost::asio::buffer(buffer), ec);
            exchange.answers[i].append(buffer.data(), n);
            got = got || n > 0;
            if (ec == boost::asio::error::would_block) break;
            if (ec) client.closed_by_server = true;
        }
    }
    return got;
}

// Runs the loop until neither the server nor the clients make progress. Loopback delivers a
// write to the peer before write() returns, so "nothing ready twice" means quiet.
void settle(boost::asio::io_context& io, std::vector<std::unique_ptr<Client>>& clients, Exchange& exchange)
{
    int quiet = 0;
    for (int round = 0; round < 2000 && quiet < 2; ++round) {
        const std::size_t ran = io.poll();
        const bool got = drain(clients, exchange);
        quiet = ran == 0 && !got ? quiet + 1 : 0;
    }
}

// libFuzzer's -timeout watchdog is a SIGALRM installed without SA_RESTART, so a blocking
// connect() can fail with EINTR while the kernel goes on connecting. Asking again reports
// "already in progress" until the handshake is done and then "already connected".
void connect_through_signals(tcp::socket& socket, const tcp::endpoint& endpoint)
{
    socket.open(endpoint.protocol());
    boost::system::error_code ec;
    do {
        socket.connect(endpoint, ec);
    } while (ec == boost::asio::error::interrupted || ec == boost::asio::error::already_started);
    if (ec && ec != boost::asio::error::already_connected) throw boost::system::system_error(ec, "connect");
}

} // namespace

Exchange exchange(std::string_view input)
{
    boost::asio::io_context io;
    World world{io};
    const tcp::endpoint endpoint{boost::asio::ip::make_address_v4("127.0.0.1"), world.server->port()};
    Exchange result;
    std::vector<std::unique_ptr<Client>> clients;
    for (const auto bytes : connections_of(input)) {
        auto& client = *clients.emplace_back(std::make_unique<Client>(io));
        result.answers.emplace_back();
        connect_through_signals(client.socket, endpoint);
        client.socket.non_blocking(true);
        std::size_t written = 0;
        for (int round = 0; written < bytes.size() && round < 2000; ++round) {
            boost::system::error_code ec;
            written += client.socket.write_some(boost::asio::buffer(bytes.substr(written)), ec);
            if (ec == boost::asio::error::would_block) settle(io, clients, result);
            else if (ec) break; // the server closed on us: what it wrote is the answer
        }
        boost::system::error_code ignored;
        client.socket.shutdown(tcp::socket::shutdown_send, ignored);
        settle(io, clients, result);
    }
    // Reset rather than close: thousands of runs a second must not fill the port range with TIME_WAIT.
    for (auto& client : clients) {
        boost::system::error_code ignored;
        client->socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
        client->socket.close(ignored);
    }
    return result;
}

} // namespace lambda_emu::fuzz
