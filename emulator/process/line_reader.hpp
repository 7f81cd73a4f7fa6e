#pragma once
// Reads a child's stdout or stderr line by line on the event loop. It keeps itself alive
// until end of file, so output written by survivors after the child's exit is still labelled.
#include <boost/asio/readable_pipe.hpp>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace lambda_emu::process {

using LineSink = std::function<void(std::string_view line)>;

class LineReader : public std::enable_shared_from_this<LineReader> {
public:
    // Lines longer than this are passed on in pieces rather than buffered without bound.
    static constexpr std::size_t kMaxLine = 256 * 1024;

    static void start(boost::asio::readable_pipe pipe, LineSink sink);

private:
    LineReader(boost::asio::readable_pipe pipe, LineSink sink) : pipe_{std::move(pipe)}, sink_{std::move(sink)} {}
    void read_more();
    void emit_complete_lines();

    boost::asio::readable_pipe pipe_;
    LineSink sink_;
    std::array<char, 64 * 1024> chunk_{}; // a pipe's whole buffer in one read
    std::string pending_;
};

} // namespace lambda_emu::process
