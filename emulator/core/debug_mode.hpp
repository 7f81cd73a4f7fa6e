#pragma once
// Whether a debugger listens in the runtime (`-d PORT`, as SAM's `sam local invoke -d`). Two of
// Lambda's rules would fight it: the freeze between invocations stops the runtime, so a debugger
// client could not talk to it while it waits for its next event; and the timeouts kill a function
// held at a breakpoint. While debugging neither applies, as in SAM. The Shutdown phase keeps its
// deadlines: it ends the session, and a debugger must not keep processes alive past it.
#include "clock.hpp"

namespace lambda_emu::core {

enum class DebugMode {
    Off,       // Lambda's rules: frozen between invocations; Init and each invocation time out
    Debugging, // never frozen; no Init or invocation timeout; the deadline told is kDebuggingDeadline away
};

// The deadline a runtime and its extensions are told while debugging: the ten hours SAM gives a
// function under a debugger, so that code that checks its remaining time does not give up early.
inline constexpr Millis kDebuggingDeadline{10LL * 60 * 60 * 1000};

} // namespace lambda_emu::core
