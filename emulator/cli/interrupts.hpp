#pragma once
// SIGINT, SIGTERM and SIGHUP to the emulator, delivered on the event loop, every time they come:
// the first spins the run down, any later one kills every process at once. SIGHUP (a closed
// terminal, a CI runner's hangup) would otherwise kill the emulator at once, with no Shutdown
// phase and no report.
#include "report/console.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <string>

namespace lambda_emu {

class Interrupts {
public:
    // What a command does about them.
    class Target {
    public:
        virtual ~Target() = default;
        // Already on its way down (a signal, or a request): the next signal kills at once.
        virtual bool spinning_down() const = 0;
        virtual void spin_down(int signal) = 0;
        virtual void kill_now() = 0;
    };

    // `spin_down_words`: what the first signal does, for the console ("shutting down").
    Interrupts(boost::asio::io_context& io, report::Console& console, Target& target, std::string spin_down_words);

private:
    void wait();
    void on_signal(int signal);

    boost::asio::signal_set signals_;
    report::Console& console_;
    Target& target_;
    std::string spin_down_words_;
};

// The run has ended (its reports are written, its exit code decided): a signal that comes while
// the emulator tears down (a test that sends SIGTERM as soon as the shutdown is answered) is held
// until the exit instead of ending the process by the default action, which would turn the run's
// exit code into 128 + the signal.
void hold_late_interrupts();

} // namespace lambda_emu
