#include "interrupts.hpp"

#include <csignal>

namespace lambda_emu {

namespace {

const char* name(int signal)
{
    switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    }
    return "a signal";
}

} // namespace

Interrupts::Interrupts(boost::asio::io_context& io, report::Console& console, Target& target,
                       std::string spin_down_words)
    : signals_{io, SIGINT, SIGTERM, SIGHUP}, console_{console}, target_{target}, spin_down_words_{
                                                                                     std::move(spin_down_words)}
{
    wait();
}

void Interrupts::wait()
{
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        on_signal(signal);
        wait();
    });
}

void Interrupts::on_signal(int signal)
{
    if (!target_.spinning_down()) {
        console_.lifecycle(std::string{"interrupted by "} + name(signal) + ": " + spin_down_words_ +
                           " (again to kill at once)");
        target_.spin_down(signal);
        return;
    }
    console_.lifecycle("interrupted again: killing every process now");
    target_.kill_now();
}

void hold_late_interrupts()
{
    sigset_t held;
    sigemptyset(&held);
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, signal);
    ::sigprocmask(SIG_BLOCK, &held, nullptr);
}

} // namespace lambda_emu
