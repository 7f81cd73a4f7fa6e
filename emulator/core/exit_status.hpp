#pragma once
// How a process ended, in the words Lambda uses for it ("exit status 1", "signal: killed").
#include <string>

namespace lambda_emu::core {

// Why the emulator itself killed a process, when the wait status cannot tell: the runtime's
// process tree passed the function's memory size (Lambda: Runtime.OutOfMemory).
enum class KilledFor { Nothing, MemoryLimit };

struct ExitStatus {
    bool signalled = false;
    int code = 0; // exit code, or signal number when signalled
    KilledFor killed_for = KilledFor::Nothing;

    static ExitStatus exited(int code) { return {false, code, KilledFor::Nothing}; }
    static ExitStatus killed_by(int signal) { return {true, signal, KilledFor::Nothing}; }
    // The error type RAPID gives a runtime that died this way.
    const char* runtime_error_type() const
    {
        return killed_for == KilledFor::MemoryLimit ? "Runtime.OutOfMemory" : "Runtime.ExitError";
    }

    // Go's os.ProcessState text, which is what RAPID puts into Runtime.ExitError messages.
    std::string describe() const;
    // The shell's convention: 128 + signal for a signalled process.
    int shell_code() const { return signalled ? 128 + code : code; }
};

// Lower-case signal description as Go prints it ("killed", "terminated", "segmentation fault").
std::string signal_description(int signal);

} // namespace lambda_emu::core
