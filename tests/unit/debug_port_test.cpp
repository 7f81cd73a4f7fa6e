// -d/--debug-port (cli/debug_port.hpp): which runtimes get a debugger and with which arguments,
// the port's range, a port already taken, and where debugpy is looked for.
#include "cli/debug_port.hpp"
#include "cli/exit_codes.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace lambda_emu;

namespace {

const ManagedRuntime& runtime_named(std::string_view id)
{
    const auto* runtime = find_managed_runtime(id);
    REQUIRE(runtime != nullptr);
    return *runtime;
}

// A socket listening on an ephemeral port of 127.0.0.1, closed with the test.
struct Listener {
    Listener()
    {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd, 1) == 0);
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
    }
    ~Listener() { ::close(fd); }
    int fd = -1;
    unsigned short port = 0;
};

// A port nothing listens on now: one the kernel chose, let go.
unsigned short free_port()
{
    Listener chooser;
    return chooser.port;
}

// The first executable called `name` on PATH; empty without one.
std::filesystem::path on_path(const std::string& name)
{
    const char* path = std::getenv("PATH");
    std::string folders = path ? path : "";
    std::size_t start = 0;
    while (start <= folders.size()) {
        const auto end = std::min(folders.find(':', start), folders.size());
        const std::filesystem::path candidate = std::filesystem::path{folders.substr(start, end - start)} / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return {};
}

} // namespace

TEST_CASE("-d starts Node.js with its inspector on loopback and Python's client under debugpy")
{
    CHECK(debugger_arguments(runtime_named("nodejs20.x"), 9229) ==
          std::vector<std::string>{"--inspect=127.0.0.1:9229"});
    CHECK(debugger_arguments(runtime_named("python3.12"), 5678) ==
          std::vector<std::string>{"-m", "debugpy", "--listen", "127.0.0.1:5678"});
    for (const auto& runtime : managed_runtimes()) {
        CAPTURE(runtime.id);
        CHECK(has_debugger(&runtime) == (runtime.language != "Java"));
    }
    CHECK(debuggable_runtime_ids() ==
          "nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x, python3.10, python3.11, python3.12, python3.13, python3.14");
}

TEST_CASE("-d with a bootstrap of the function's own or with Java names the runtimes it works with")
{
    CHECK_FALSE(has_debugger(nullptr));
    const auto bootstrap = no_debugger_error(9229, nullptr);
    CHECK(bootstrap.starts_with("-d 9229: lambda-emu starts a debugger only with --runtime nodejs18.x, "));
    CHECK(bootstrap.find("python3.14, not with a bootstrap of the function's own;") != std::string::npos);
    CHECK(no_debugger_error(5005, &runtime_named("java21")).find("not with --runtime java21;") != std::string::npos);
}

TEST_CASE("the debug port is a TCP port")
{
    CHECK_FALSE(debug_port_problem(1));
    CHECK_FALSE(debug_port_problem(65535));
    for (const long port : {0L, -1L, 65536L, 9999999999L}) {
        CAPTURE(port);
        const auto problem = debug_port_problem(port);
        REQUIRE(problem);
        CHECK(problem->starts_with("--debug-port must be a TCP port, 1 to 65535"));
        CHECK(problem->ends_with("got " + std::to_string(port)));
    }
}

TEST_CASE("the debugger's arguments go before the runtime's, and the environment debugs")
{
    HostOptions host;
    host.bootstrap = "/usr/bin/node";
    host.bootstrap_arguments = {"/runtimes/nodejs/start-ric3.mjs"};
    const unsigned short port = free_port();
    const auto start = start_debugger(port, runtime_named("nodejs20.x"), "/runtimes", host);
    REQUIRE(start.error.empty());
    const std::string address = "127.0.0.1:" + std::to_string(port);
    CHECK(host.bootstrap_arguments ==
          std::vector<std::string>{"--inspect=" + address, "/runtimes/nodejs/start-ric3.mjs"});
    CHECK(host.debug == core::DebugMode::Debugging);
    CHECK(start.line.starts_with("debugger: the Node.js inspector listens on " + address));
    CHECK(start.line.find("not frozen") != std::string::npos);
}

TEST_CASE("a debug port something already listens on is refused before anything starts")
{
    Listener taken;
    HostOptions host;
    host.bootstrap = "/usr/bin/node";
    const auto start = start_debugger(taken.port, runtime_named("nodejs20.x"), "/runtimes", host);
    CHECK(start.error == "-d " + std::to_string(taken.port) +
                             ": cannot listen on 127.0.0.1:" + std::to_string(taken.port) + ": Address already in use");
    CHECK(start.error_exit_code == exit_codes::kEmulatorError);
    CHECK(host.debug == core::DebugMode::Off);
    CHECK(host.bootstrap_arguments.empty());
}

TEST_CASE("a Python layer's module folders are looked at where they are staged")
{
    const auto variables = managed_runtime_variables(runtime_named("python3.12"), {"/task", "/rt", "/staged/opt"});
    CHECK(variables.back() ==
          core::Variables::value_type{"PYTHONPATH",
                                      "/task:/staged/opt/python/lib/python3.12/site-packages:/staged/opt/python:/rt"});
}

TEST_CASE("debugpy is found in the function's folder, and its absence is said in one line")
{
    const auto python = on_path("python3");
    if (python.empty()) return; // a machine without Python: the Python runtimes' tests say so
    const auto folder = std::filesystem::temp_directory_path() / ("debug-port-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    const auto& runtime = runtime_named("python3.12");
    HostOptions host;
    host.bootstrap = python;
    host.task_root = folder;
    const unsigned short port = free_port();
    const auto missing = start_debugger(port, runtime, "/nowhere", host);
    if (missing.error.empty()) {
        // This machine's interpreter has debugpy of its own: only its presence can be checked.
        CHECK(host.debug == core::DebugMode::Debugging);
    } else {
        CHECK(missing.error.starts_with("-d " + std::to_string(port) + ": debugpy is not where " + python.string() +
                                        " (python3.12) looks"));
        CHECK(missing.error.find("pip install --target " + folder.string() + " debugpy") != std::string::npos);
        CHECK(missing.error_exit_code == exit_codes::kUsage);
        CHECK(missing.error.find('\n') == std::string::npos);
        std::filesystem::create_directories(folder / "debugpy");
        std::ofstream{folder / "debugpy" / "__init__.py"} << "";
        CHECK(debugger_loadable(runtime, python, {folder.string(), "/nowhere"}, false));
    }
    std::filesystem::remove_all(folder);
}
