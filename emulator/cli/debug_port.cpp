#include "debug_port.hpp"

#include "exit_codes.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>

namespace lambda_emu {

namespace {

// Why nothing more can listen on 127.0.0.1:PORT (something already does, or the port is
// privileged), empty when it can. Asked once, before the runtime starts: a debugger that cannot
// listen says so only in the runtime's output (Node's inspector then runs on without one).
// SO_REUSEADDR as Node's and debugpy's own listeners set it: a port left in TIME_WAIT by the
// previous session is free to them.
std::string why_debug_port_is_taken(unsigned short port)
{
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor{io};
    boost::system::error_code ec;
    acceptor.open(boost::asio::ip::tcp::v4(), ec);
    if (!ec) acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind({boost::asio::ip::address_v4::loopback(), port}, ec);
    if (!ec) acceptor.listen(1, ec);
    return ec ? ec.message() : std::string{};
}

// The function's module search path as the runtime's bootstrap would export it, with its folders
// as the emulator sees them (the sandbox shows the staged layers at /opt); null when the customer
// sets that variable, which then replaces it.
std::optional<ManagedRuntimePaths> module_folders(const ManagedRuntime& runtime,
                                                  const std::filesystem::path& runtimes_folder, const HostOptions& host)
{
    const bool customer_sets_it =
        std::any_of(host.customer_variables.begin(), host.customer_variables.end(),
                    [&runtime](const auto& variable) { return variable.first == runtime.module_path_variable; });
    if (customer_sets_it) return std::nullopt;
    ManagedRuntimePaths paths{host.task_root.string(), (runtimes_folder / runtime.runtime_dir).string()};
    if (host.sandbox) paths.layers = host.sandbox->layers->path().string();
    return paths;
}

std::string replaced_task(std::string_view text, const std::string& task_root)
{
    std::string line{text};
    if (const auto at = line.find("{task}"); at != std::string::npos) line.replace(at, 6, task_root);
    return line;
}

} // namespace

std::optional<std::string> debug_port_problem(long port)
{
    if (port >= 1 && port <= 65535) return std::nullopt;
    return "--debug-port must be a TCP port, 1 to 65535 (the debugger listens on 127.0.0.1); got " +
           std::to_string(port);
}

std::string no_debugger_error(unsigned short port, const ManagedRuntime* runtime)
{
    const std::string what = runtime ? "--runtime " + std::string{runtime->id} : "a bootstrap of the function's own";
    return "-d " + std::to_string(port) + ": lambda-emu starts a debugger only with --runtime " +
           debuggable_runtime_ids() + ", not with " + what +
           "; to debug another, start its debugger yourself, with --no-freeze and a longer --timeout";
}

bool has_debugger(const ManagedRuntime* runtime)
{
    return runtime && !runtime->debugger.name.empty();
}

DebuggerStart start_debugger(unsigned short port, const ManagedRuntime& runtime,
                             const std::filesystem::path& runtimes_folder, HostOptions& host)
{
    DebuggerStart start;
    const std::string address = "127.0.0.1:" + std::to_string(port);
    if (host.port == port) {
        start.error = "-d " + std::to_string(port) + ": the Runtime API's --port is " + std::to_string(port) +
                      " too; give the debugger another";
        return start;
    }
    // The customer's own module path is theirs to get right: debugpy's import error says it.
    if (const auto paths = module_folders(runtime, runtimes_folder, host)) {
        if (!debugger_loadable(runtime, host.bootstrap, *paths, host.sandbox != nullptr)) {
            start.error = "-d " + std::to_string(port) + ": " + std::string{runtime.debugger.name} + " is not where " +
                          host.bootstrap.string() + " (" + std::string{runtime.id} +
                          ") looks for it: " + replaced_task(runtime.debugger.install, host.task_root.string());
            return start;
        }
    }
    if (const auto taken = why_debug_port_is_taken(port); !taken.empty()) {
        start.error = "-d " + std::to_string(port) + ": cannot listen on " + address + ": " + taken;
        start.error_exit_code = exit_codes::kEmulatorError;
        return start;
    }
    auto arguments = debugger_arguments(runtime, port);
    host.bootstrap_arguments.insert(host.bootstrap_arguments.begin(), arguments.begin(), arguments.end());
    host.debug = core::DebugMode::Debugging;
    start.line = "debugger: " + std::string{runtime.debugger.name} + " listens on " + address +
                 " in the runtime once it starts; while debugging the environment is not frozen between "
                 "invocations and neither Init nor an invocation times out (the Shutdown phase keeps its deadlines)";
    return start;
}

} // namespace lambda_emu
