#pragma once
// The exit-code contract of `lambda-emu run` and `serve` (documented in the README; computed by
// run_exit_code in run_end.hpp). When several apply, the first in this order wins: interrupted,
// emulator error, init failure, timeout/crash, unclean shutdown, not signalled, function error.
namespace lambda_emu::exit_codes {

inline constexpr int kSuccess = 0;         // every invocation succeeded, shutdown was clean
inline constexpr int kFunctionError = 1;   // an invocation returned a function error
inline constexpr int kUsage = 2;           // bad command line, unreadable or invalid event, reserved variable
inline constexpr int kInitFailure = 3;     // Init failed and an invocation got the init error
inline constexpr int kTimeoutOrCrash = 4;  // Sandbox.Timedout or Runtime.ExitError during an invocation
inline constexpr int kUncleanShutdown = 5; // a process was killed or crashed in the final Shutdown phase
inline constexpr int kEmulatorError = 6;   // the emulator itself could not work (port in use, ...)
inline constexpr int kNotSignalled = 7;    // --fail-on not-signalled: the runtime got no SIGTERM (no extension)
// Interrupted by a signal: 128 + its number (129 for SIGHUP, 130 for SIGINT, 143 for SIGTERM), as a
// shell reports it. `serve` uses it for SIGHUP only: SIGTERM and SIGINT are its ordinary stop.

} // namespace lambda_emu::exit_codes
