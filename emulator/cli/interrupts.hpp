#pragma once
// SIGINT, SIGTERM and SIGHUP to the emulator, delivered on the event loop, every time they come.
// SIGHUP (a closed terminal, a CI runner's hangup) would otherwise kill the emulator at once,
// with no Shutdown phase and no report.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <functional>

namespace lambda_emu {

class Interrupts {
public:
    Interrupts(boost::asio::io_context& io, std::function<void(int signal)> on_signal)
        : signals_{io, SIGINT, SIGTERM, SIGHUP}, on_signal_{std::move(on_signal)}
    {
        wait();
    }

    static const char* name(int signal)
    {
        switch (signal) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        }
        return "a signal";
    }

private:
    void wait()
    {
        signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            on_signal_(signal);
            wait();
        });
    }

    boost::asio::signal_set signals_;
    std::function<void(int)> on_signal_;
};

} // namespace lambda_emu
