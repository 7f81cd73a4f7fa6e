#pragma once
// One of the emulator's own output streams (stdout or stderr), written without ever blocking the
// event loop. Whoever started the emulator may read its output late or not at all (a CI harness
// with stdout=PIPE it never reads, a pager, a paused terminal): a blocking write there would
// stop every environment, timer and HTTP answer with it. So once on the event loop, what the
// stream cannot take now waits in a backlog, written as the reader makes room; past kMaxBacklog
// new output is dropped, counted, and said once the reader catches up.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu::report {

class ConsoleOutput {
public:
    explicit ConsoleOutput(int fd) : fd_{fd} {}
    ConsoleOutput(const ConsoleOutput&) = delete;
    ConsoleOutput& operator=(const ConsoleOutput&) = delete;
    ~ConsoleOutput() { leave_event_loop(); }

    // From now on, writes never block. A pipe or terminal is opened again as a description of
    // our own to set O_NONBLOCK on: the original one is shared with whoever started us (a shell
    // would find its terminal non-blocking). A regular file is written as before: it never
    // waits on a reader.
    void join_event_loop(boost::asio::io_context& io);
    // Back to blocking writes, before the event loop goes: the backlog is written, waiting at
    // most `patience` for a reader that takes nothing.
    void leave_event_loop(std::chrono::milliseconds patience = std::chrono::seconds{5});

    void write(std::string_view bytes);

    static constexpr std::size_t kMaxBacklog = 16 * 1024 * 1024;

private:
    void write_backlog_when_ready();
    void on_writable();
    std::string dropped_note(); // "" when nothing was dropped

    // What the reader has not taken yet. Taken bytes are let go in large steps, not one read's
    // worth at a time (which moved the whole backlog for every 64 KB the reader took).
    class Backlog {
    public:
        bool empty() const { return taken_ == bytes_.size(); }
        std::size_t size() const { return bytes_.size() - taken_; }
        std::string_view pending() const { return std::string_view{bytes_}.substr(taken_); }
        void append(std::string_view more) { bytes_.append(more); }
        void consume(std::size_t count);
        void clear()
        {
            bytes_.clear();
            taken_ = 0;
        }

    private:
        std::string bytes_;
        std::size_t taken_ = 0;
    };

    int fd_;          // the stream's own descriptor
    int own_fd_ = -1; // our non-blocking description of it, while on the event loop
    std::optional<boost::asio::posix::stream_descriptor> waiter_;
    Backlog backlog_;
    bool waiting_ = false;
    std::size_t dropped_bytes_ = 0;
};

} // namespace lambda_emu::report
