#pragma once
// SIGINT and SIGTERM to the emulator, delivered on the event loop, every time they come.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <functional>

namespace lambda_emu {

class Interrupts {
public:
    Interrupts(boost::asio::io_context& io, std::function<void(int signal)> on_signal)
        : signals_{io, SIGINT, SIGTERM}, on_signal_{std::move(on_signal)}
    {
        wait();
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
