// cloudwatch_lambda_agent: what lambda-emu runs where a function names CloudWatch Lambda
// Insights' layer by ARN. Functions name that layer mostly so that an external extension
// registers, which is what makes Lambda send the runtime SIGTERM at shutdown (AWS's
// graceful-shutdown samples do exactly this). The stand-in does that part and nothing else: it
// registers for SHUTDOWN under the real agent's name, waits, and exits when SHUTDOWN comes.
//
// The same program is `--extension builtin:shutdown-listener` (cli/builtin_extensions.hpp), a copy
// named shutdown-listener: Lambda takes an extension's name from its file, so the program
// registers under the name it was started by.
//
// A process of its own, outside the emulator's event loop: plain blocking calls are right here.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// The name it registers under: its file's, as Lambda expects (the Extensions API refuses another).
std::string extension_name(const char* argv0)
{
    const std::string path = argv0 ? argv0 : "";
    const auto slash = path.rfind('/');
    const std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
    return file.empty() ? "cloudwatch_lambda_agent" : file;
}

struct Endpoint {
    std::string host;
    std::string port;
};

std::optional<Endpoint> extensions_api()
{
    const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return std::nullopt;
    const std::string text = api;
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    return Endpoint{text.substr(0, colon), text.substr(colon + 1)};
}

// One request on a connection of its own; the response, or an exception.
http::response<http::string_body> exchange(const Endpoint& api, http::request<http::string_body> request)
{
    asio::io_context io;
    asio::ip::tcp::resolver resolver{io};
    asio::ip::tcp::socket socket{io};
    asio::connect(socket, resolver.resolve(api.host, api.port));
    request.set(http::field::host, api.host + ":" + api.port);
    request.prepare_payload();
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return response;
}

} // namespace

int main(int, char** argv)
{
    const std::string name = extension_name(argv[0]);
    const char* label = name.c_str(); // for its error lines
    const auto api = extensions_api();
    if (!api) {
        std::fprintf(stderr, "%s: AWS_LAMBDA_RUNTIME_API is not set\n", label);
        return 1;
    }
    try {
        http::request<http::string_body> registration{http::verb::post, "/2020-01-01/extension/register", 11};
        registration.set("Lambda-Extension-Name", label);
        registration.set(http::field::content_type, "application/json");
        registration.body() = R"({"events":["SHUTDOWN"]})";
        const auto registered = exchange(*api, std::move(registration));
        const auto identifier = registered["Lambda-Extension-Identifier"];
        if (registered.result() != http::status::ok || identifier.empty()) {
            std::fprintf(stderr, "%s: registration refused: %u %s\n", label, registered.result_int(),
                         registered.body().c_str());
            return 1;
        }
        for (;;) {
            http::request<http::string_body> next{http::verb::get, "/2020-01-01/extension/event/next", 11};
            next.set("Lambda-Extension-Identifier", std::string{identifier});
            const auto event = exchange(*api, std::move(next));
            if (event.result() != http::status::ok) {
                std::fprintf(stderr, "%s: /event/next answered %u %s\n", label, event.result_int(),
                             event.body().c_str());
                return 1;
            }
            const auto body = nlohmann::json::parse(event.body(), nullptr, false);
            if (body.is_object() && body.value("eventType", "") == "SHUTDOWN") return 0;
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "%s: %s\n", label, error.what());
        return 1;
    }
}
