#pragma once
// -d/--debug-port PORT, as SAM's `sam local invoke -d`: a managed runtime's debugger listens on
// 127.0.0.1:PORT (Node.js: its inspector; Python: debugpy), and the environment runs as a
// debugger needs it: not frozen between invocations, no Init or invocation timeout
// (core/debug_mode.hpp). Checked before anything starts.
#include "host/environment_host.hpp"
#include "managed_runtimes.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace lambda_emu {

// "--debug-port must be ..." when `port` is not one of 1-65535; nothing otherwise.
std::optional<std::string> debug_port_problem(long port);

// Whether lambda-emu can start a debugger in this managed runtime (null: a bootstrap of the
// function's own, which it cannot).
bool has_debugger(const ManagedRuntime* runtime);

// The usage error for -d where lambda-emu starts no debugger (has_debugger is false).
std::string no_debugger_error(unsigned short port, const ManagedRuntime* runtime);

struct DebuggerStart {
    std::string error;       // non-empty: nothing may start
    int error_exit_code = 2; // exit_codes::kUsage, or kEmulatorError when the port is taken
    std::string line;        // said once at the start: where the debugger listens, and what is off
};

// Checks that the function can load the runtime's debugger (has_debugger is true) and that nothing
// listens on the port yet; then puts the debugger's arguments before the runtime's and sets
// `host.debug`. `host` is the prepared function (its sandbox, if any, already made).
DebuggerStart start_debugger(unsigned short port, const ManagedRuntime& runtime,
                             const std::filesystem::path& runtimes_folder, HostOptions& host);

} // namespace lambda_emu
