#include "commands.hpp"

#include "code_watch.hpp"
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
#include "invoke/function_config_api.hpp"
#include "invoke/function_directory.hpp"
#include "invoke/function_url_api.hpp"
#include "invoke/invoke_api.hpp"
#include "invoke/response_stream_api.hpp"
#include "process/child_reaper.hpp"
#include "serve_session.hpp"
#include "stdin_lifeline.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
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

// When serve started, as Lambda writes LastModified: 2026-12-03T08:30:00.000+0000.
std::string last_modified(long long epoch_ms)
{
    const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(epoch_ms % 1000));
    return text.data();
}

// The line that says what is served where.
std::string serving_line(const invoke::FunctionDirectory& functions, const std::string& base)
{
    const auto& all = functions.all();
    const std::string control = "control: /lambda-emu/health, /lambda-emu/report, /lambda-emu/shutdown)";
    if (all.size() == 1) {
        const auto& name = all.front().target->function().name;
        return "serving function " + name + " on " + base + " (POST /2015-03-31/functions/" + name +
               "/invocations; function URL: " + invoke::kFunctionUrlPrefix + "/" + name + "/; " + control;
    }
    std::string names;
    for (const auto& served : all) {
        names += (names.empty() ? "" : ", ") + served.target->function().name;
        if (!served.details.logical_id.empty() && served.details.logical_id != served.target->function().name)
            names += " (" + served.details.logical_id + ")";
    }
    return "serving " + std::to_string(all.size()) + " functions on " + base + ": " + names +
           " (POST /2015-03-31/functions/NAME/invocations; function URLs: " + invoke::kFunctionUrlPrefix + "/NAME/; " +
           control;
}

// --port-file: how a program that asked for port 0 learns the one it got. Written aside and
// renamed, so that a reader polling for the file never sees it half written.
std::optional<std::string> write_port_file(const std::string& path, unsigned short port)
{
    const std::string partial = path + ".partial";
    {
        std::ofstream file{partial, std::ios::trunc};
        file << port << '\n';
        if (!file.flush()) return "--port-file " + path + ": cannot write " + partial;
    }
    if (std::rename(partial.c_str(), path.c_str()) != 0) {
        std::remove(partial.c_str());
        return "--port-file " + path + ": cannot write it";
    }
    return std::nullopt;
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
    if (options.exit_when_stdin_closes) {
        if (auto problem = StdinLifeline::problem()) return refuse(console, exit_codes::kUsage, *problem);
    }
    // One function, or every function of the template, each prepared as `run` prepares its one.
    const std::vector<FunctionOptions> served_options = options.template_functions.empty()
                                                            ? std::vector<FunctionOptions>{options.function}
                                                            : options.template_functions;
    std::vector<PreparedFunction> prepared;
    for (const auto& function : served_options) {
        prepared.push_back(prepare_function(function, console));
        if (!prepared.back().error.empty())
            return refuse(console, prepared.back().error_exit_code, prepared.back().error);
    }
    raise_open_file_limit();

    become_subreaper(console);
    boost::asio::io_context io;
    const auto console_on_loop = console.join_event_loop(io);
    process::ChildReaper reaper{io};
    core::SystemClock clock;
    IdGenerator ids;
    http::ListenerPorts listeners;

    // A pool of environments per function; the directory finds one by the name a caller gives.
    std::vector<std::unique_ptr<EnvironmentPool>> pools;
    // Lambda's retries of a failed asynchronous invocation, per function: every order goes through it.
    std::vector<std::unique_ptr<EventRetries>> event_retries;
    std::vector<ServedPool> served;
    invoke::FunctionDirectory functions;
    const std::string started = last_modified(clock.epoch_ms(clock.now()));
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        const auto& function_options = served_options[i];
        PoolSettings settings;
        settings.host = std::move(prepared[i].host);
        settings.host.port = 0; // every environment gets its own ephemeral Runtime API port
        settings.concurrency = options.concurrency;
        settings.queue = !options.no_queue;
        if (options.idle_shutdown_seconds) {
            settings.idle_shutdown =
                core::Millis{static_cast<long long>(std::llround(*options.idle_shutdown_seconds * 1000))};
        }
        invoke::FunctionDetails details;
        details.logical_id = function_options.template_logical_id;
        details.environment = settings.host.customer_variables;
        details.layers = function_options.layers;
        details.architecture = function_options.architecture;
        details.ephemeral_storage_mb = function_options.ephemeral_storage_mb;
        details.last_modified = started;
        pools.push_back(std::make_unique<EnvironmentPool>(io, reaper, clock, ids, listeners, console,
                                                          std::move(settings), std::move(prepared[i].record)));
        event_retries.push_back(std::make_unique<EventRetries>(
            io, *pools.back(), retries.settings, [&console](const std::string& line) { console.lifecycle(line); }));
        if (auto clash = functions.add(*event_retries.back(), std::move(details)))
            return refuse(console, exit_codes::kUsage, *clash);
        served.push_back({pools.back().get(), function_options.template_logical_id});
    }
    ServeSession session{io, console, clock, std::move(served), std::move(prepared.front().reports)};
    session.when_spinning_down([&event_retries] {
        for (auto& retries : event_retries) retries->drop_pending();
    });
    // --watch: each function's code folders, a change recycling that function's environments.
    std::vector<std::unique_ptr<CodeWatch>> code_watches;
    if (options.watch) {
        for (std::size_t i = 0; i < pools.size(); ++i) {
            std::string watch_error;
            code_watches.push_back(CodeWatch::start(io, console, *pools[i], std::move(prepared[i].code), watch_error));
            if (!code_watches.back()) return refuse(console, exit_codes::kEmulatorError, watch_error);
        }
    }

    http::Router router;
    invoke::add_invoke_routes(router, functions, [&ids, &clock] { return ids.trace_id(clock); });
    invoke::add_response_stream_routes(router, functions, [&ids, &clock] { return ids.trace_id(clock); });
    invoke::add_function_url_routes(router, functions,
                                    {[&ids] { return ids.uuid(); }, [&ids, &clock] { return ids.trace_id(clock); },
                                     [&clock] { return clock.epoch_ms(clock.now()); }},
                                    [&console](const std::string& line) { console.lifecycle(line); });
    invoke::add_control_routes(router, session);
    invoke::add_function_config_routes(router, functions);
    http::Server::Options server_options;
    server_options.address = listen.host;
    server_options.port = listen.port;
    std::string error;
    auto server = http::Server::listen(io, router, server_options, error);
    if (!server) return refuse(console, exit_codes::kEmulatorError, "cannot listen on " + error);
    listeners.add(server->port());
    if (!options.port_file.empty()) {
        if (auto problem = write_port_file(options.port_file, server->port())) {
            server->stop();
            return refuse(console, exit_codes::kUsage, *problem);
        }
    }
    console.lifecycle(serving_line(functions, "http://127.0.0.1:" + std::to_string(server->port())));

    Interrupts interrupts{io, console, session, "shutting every environment down"};
    std::optional<StdinLifeline> lifeline;
    if (options.exit_when_stdin_closes) lifeline.emplace(io, console, session);
    io.run();
    hold_late_interrupts();
    console.flush_lines();
    server->stop();
    return session.exit_code();
}

} // namespace lambda_emu
