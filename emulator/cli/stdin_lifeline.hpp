#pragma once
// `serve --exit-when-stdin-closes`: standard input as a lifeline to the process that started
// serve (a test runner). The kernel closes a pipe's write end when its holder dies, however it
// dies (an uncaught exception, process.exit, SIGKILL), so end of file on standard input means
// nobody is left to stop serve: it shuts every environment down as SIGTERM would. Race-free,
// unlike a parent-death signal: a parent already gone gives end of file at the first read.
#include "interrupts.hpp"
#include "report/console.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <array>
#include <optional>
#include <string>

namespace lambda_emu {

class StdinLifeline {
public:
    // Why standard input cannot be a lifeline (not a pipe or socket), if it cannot.
    static std::optional<std::string> problem();

    // Starts watching on the event loop. Not movable: the pending read points at it.
    StdinLifeline(boost::asio::io_context& io, report::Console& console, Interrupts::Target& target);
    StdinLifeline(const StdinLifeline&) = delete;
    StdinLifeline& operator=(const StdinLifeline&) = delete;

private:
    void read();

    boost::asio::posix::stream_descriptor input_;
    std::array<char, 512> discarded_{};
    report::Console& console_;
    Interrupts::Target& target_;
};

} // namespace lambda_emu
