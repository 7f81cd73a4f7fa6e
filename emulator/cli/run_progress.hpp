#pragma once
// A long run's progress, for a person at a terminal: one line redrawn in place as invocations
// end (report::Console::set_status), never written to a pipe or a file, where it would be noise.
#include <cstddef>
#include <string>

namespace lambda_emu {

struct RunProgress {
    std::size_t total = 0;
    std::size_t done = 0;
    std::size_t failed = 0;

    // One invocation is not a long run: its own lines say all there is.
    static bool worth_showing(std::size_t events, bool stderr_is_terminal) { return stderr_is_terminal && events > 1; }

    // "[lambda-emu] 12/300 invocations done, 1 failed"
    std::string text() const
    {
        return "[lambda-emu] " + std::to_string(done) + "/" + std::to_string(total) + " invocations done, " +
               std::to_string(failed) + " failed";
    }
};

} // namespace lambda_emu
