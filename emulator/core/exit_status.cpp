#include "exit_status.hpp"

#include <csignal>

namespace lambda_emu::core {

std::string signal_description(int signal)
{
    switch (signal) {
    case SIGKILL: return "killed";
    case SIGTERM: return "terminated";
    case SIGINT: return "interrupt";
    case SIGHUP: return "hangup";
    case SIGQUIT: return "quit";
    case SIGSEGV: return "segmentation fault";
    case SIGABRT: return "aborted";
    case SIGBUS: return "bus error";
    case SIGFPE: return "floating point exception";
    case SIGILL: return "illegal instruction";
    case SIGPIPE: return "broken pipe";
    case SIGUSR1: return "user defined signal 1";
    case SIGUSR2: return "user defined signal 2";
    default: return "signal " + std::to_string(signal);
    }
}

std::string ExitStatus::describe() const
{
    return signalled ? "signal: " + signal_description(code) : "exit status " + std::to_string(code);
}

} // namespace lambda_emu::core
