#pragma once
// Every API the emulator serves, wired as `run` and `serve` wire them, on one real http::Server
// on 127.0.0.1: the Runtime API, the Extensions API, the Telemetry and Logs APIs around a
// core::Environment whose processes, timers and clock are fakes (tests/unit/fake_ports.hpp), and
// the Invoke and control APIs around a small target that hands orders to that same environment.
// Shared by the HTTP fuzz target and the regression tests that replay what it found.
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::fuzz {

// One input may hold several connections, separated by this line (so one connection can park on
// /runtime/invocation/next while another invokes). Without it, the input is one connection.
inline constexpr std::string_view kConnectionSeparator = "\n=====\n";
inline constexpr std::size_t kMaxConnections = 4;

// What the server wrote back on each connection, in order.
struct Exchange {
    std::vector<std::string> answers;
};

// Builds a fresh world (so an input replays the same way alone), writes each connection's bytes,
// half-closes it and runs the event loop until nothing more happens, then tears everything down.
// An exception a route handler lets escape propagates to the caller, as it would out of `serve`.
Exchange exchange(std::string_view input);

} // namespace lambda_emu::fuzz
