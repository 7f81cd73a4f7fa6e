#include "commands.hpp"

#include "command_steps.hpp"
#include "core/clock.hpp"
#include "host/environment_pool.hpp"
#include "host/event_retries.hpp"
#include "event_retry_options.hpp"
#include "exit_codes.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "host/ids.hpp"
#include "numeric_checks.hpp"
#include "interrupts.hpp"
#include "invoke/control_api.hpp"
#include "invoke/function_url_api.hpp"
#include "invoke/invoke_api.hpp"
#include "invoke/response_stream_api.hpp"
#include "process/child_reaper.hpp"
#include "serve_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <charconv>
#include <cmath>
#include <sys/resource.h>

namespace lambda_emu {

namespace {

struct ListenAddress {
    std::string host;
    unsigned short port = 0;
    std::string error;
};

// HOST:PORT, loopback only: the emulator serves this machine, never the network.
ListenAddress parse_listen(const std::string& text)
{
    ListenAddress address;
    const auto colon = text.rfind(':');
    const std::string host = colon == std::string::npos ? "127.0.0.1" : text.substr(0, colon);
    const std::string port = colon == std::string::npos ? text : text.substr(colon + 1);
    if (host != "127.0.0.1" && host != "localhost" && !host.empty()) {
        address.error = "--listen " + text + ": only 127.0.0.1 (loopback) is served";
        return address;
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
        address.error = "--listen " + text + ": expected 127.0.0.1:PORT";
        return address;
    }
    address.host = "127.0.0.1";
    address.port = static_cast<unsigned short>(value);
    return address;
}

// -d PORT: one debugger port, so one environment (as SAM serves one request at a time while
// debugging): a second would start a runtime whose debugger cannot listen. Said rather than
// lowered, so that nobody wonders why --concurrency 4 runs one at a time.
std::optional<std::string> debugging_problem(const ServeOptions& options, unsigned short listen_port)
{
    if (!options.function.debug_port) return std::nullopt;
    const std::string flag = "-d " + std::to_string(*options.function.debug_port);
    if (options.concurrency > 1)
        return flag + ": only one environment can listen on the debug port; drop --concurrency " +
               std::to_string(options.concurrency) + " (with -d, serve runs one environment)";
    if (*options.function.debug_port == listen_port)
        return flag + ": --listen uses port " + std::to_string(listen_port) + " too; give the debugger another";
    return std::nullopt;
}

// Every environment holds sockets and pipes: let the process use all it is allowed to.
void raise_open_file_limit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int serve_command(const ServeOptions& options)
{
    report::Console console;
    use_colour(console, options.function.colour);
    // Each environment holds a runtime, its extensions and a listener: a thousand is Lambda's own
    // default concurrency for an account, and far more than one machine runs.
    if (auto problem = out_of_range("--concurrency", options.concurrency, Range::between(1, 1000), "environments"))
        return refuse(console, exit_codes::kUsage, *problem);
    if (options.idle_shutdown_seconds) {
        if (auto problem =
                out_of_range("--idle-shutdown", *options.idle_shutdown_seconds, Range::above(0, 86400), "seconds"))
            return refuse(console, exit_codes::kUsage, *problem);
    }
    const auto listen = parse_listen(options.listen);
    if (!listen.error.empty()) return refuse(console, exit_codes::kUsage, listen.error);
    if (auto problem = debugging_problem(options, listen.port)) return refuse(console, exit_codes::kUsage, *problem);
    const auto retries = event_retry_settings(options.event_retries, options.event_retry_delay);
    if (!retries.error.empty()) return refuse(console, exit_codes::kUsage, retries.error);
    auto prepared = prepare_function(options.function, console);
    if (!prepared.error.empty()) return refuse(console, prepared.error_exit_code, prepared.error);
    raise_open_file_limit();

    become_subreaper(console);
    boost::asio::io_context io;
    const auto console_on_loop = console.join_event_loop(io);
    process::ChildReaper reaper{io};
    core::SystemClock clock;
    IdGenerator ids;

    PoolSettings settings;
    settings.host = std::move(prepared.host);
    settings.host.port = 0; // every environment gets its own ephemeral Runtime API port
    settings.concurrency = options.concurrency;
    settings.queue = !options.no_queue;
    if (options.idle_shutdown_seconds) {
        settings.idle_shutdown =
            core::Millis{static_cast<long long>(std::llround(*options.idle_shutdown_seconds * 1000))};
    }
    http::ListenerPorts listeners;
    EnvironmentPool pool{io, reaper, clock, ids, listeners, console, std::move(settings), std::move(prepared.record)};
    // Lambda's retries of a failed asynchronous invocation: the Invoke API's Event orders go through it.
    EventRetries event_retries{io, pool, retries.settings,
                               [&console](const std::string& line) { console.lifecycle(line); }};
    ServeSession session{io, console, clock, pool, std::move(prepared.reports)};
    session.when_spinning_down([&event_retries] { event_retries.drop_pending(); });

    http::Router router;
    invoke::add_invoke_routes(router, event_retries, [&ids, &clock] { return ids.trace_id(clock); });
    invoke::add_response_stream_routes(router, pool, [&ids, &clock] { return ids.trace_id(clock); });
    invoke::add_function_url_routes(router, pool,
                                    {[&ids] { return ids.uuid(); }, [&ids, &clock] { return ids.trace_id(clock); },
                                     [&clock] { return clock.epoch_ms(clock.now()); }},
                                    [&console](const std::string& line) { console.lifecycle(line); });
    invoke::add_control_routes(router, session);
    http::Server::Options server_options;
    server_options.address = listen.host;
    server_options.port = listen.port;
    std::string error;
    auto server = http::Server::listen(io, router, server_options, error);
    if (!server) return refuse(console, exit_codes::kEmulatorError, "cannot listen on " + error);
    listeners.add(server->port());
    const std::string base = "http://127.0.0.1:" + std::to_string(server->port());
    console.lifecycle("serving function " + pool.function().name + " on " + base + " (POST /2015-03-31/functions/" +
                      pool.function().name + "/invocations; function URL: " + invoke::kFunctionUrlPrefix + "/" +
                      pool.function().name +
                      "/; control: /lambda-emu/health, /lambda-emu/report, /lambda-emu/shutdown)");

    Interrupts interrupts{io, console, session, "shutting every environment down"};
    io.run();
    console.flush_lines();
    server->stop();
    return session.exit_code();
}

} // namespace lambda_emu
