#pragma once
// Where the emulator's words go: results on stdout (one JSON line each, for scripts), the
// lifecycle, platform lines and the processes' labelled logs on stderr (for people).
#include "colour.hpp"
#include "console_output.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstdio>
#include <unistd.h>
#include <functional>
#include <string>
#include <string_view>

namespace lambda_emu::report {

class Console {
public:
    Console() = default;
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;
    ~Console() { flush_lines(); }

    // While the event loop runs: processes' lines are gathered and written together once the loop
    // has handled what it read (a pipe's burst of lines costs one write instead of one per line),
    // and no write ever blocks the loop (console_output.hpp). Before and after it, every line is
    // written at once. Hold the returned guard for as long as the loop: it leaves it at the end.
    class OnEventLoop {
    public:
        explicit OnEventLoop(Console& console) : console_{console} {}
        OnEventLoop(const OnEventLoop&) = delete;
        OnEventLoop& operator=(const OnEventLoop&) = delete;
        ~OnEventLoop() { console_.leave_event_loop(); }

    private:
        Console& console_;
    };
    [[nodiscard]] OnEventLoop join_event_loop(boost::asio::io_context& io)
    {
        schedule_ = [&io](std::function<void()> flush) { boost::asio::post(io, std::move(flush)); };
        out_.join_event_loop(io);
        err_.join_event_loop(io);
        return OnEventLoop{*this};
    }

    // Colour for what goes to stderr (--color, NO_COLOR, a terminal or not); off by default.
    void set_palette(Palette palette) { palette_ = palette; }
    const Palette& palette() const { return palette_; }

    void result(std::string_view json_line)
    {
        flush_lines();
        write_line(out_, json_line);
    }
    void platform(std::string_view line)
    {
        flush_lines();
        write_line(err_, line);
    }
    void lifecycle(std::string_view line)
    {
        flush_lines();
        write_line(err_, palette_.label("lambda-emu", "[lambda-emu]") + " " + std::string{line});
    }
    void process_line(std::string_view source, std::string_view line)
    {
        if (palette_.on()) {
            lines_ += palette_.label(source, "[" + std::string{source} + "]");
        } else {
            lines_ += '[';
            lines_ += source;
            lines_ += ']';
        }
        lines_ += ' ';
        lines_ += line;
        lines_ += '\n';
        if (!schedule_ || lines_.size() >= kMaxBatch) {
            flush_lines();
        } else if (!flush_scheduled_) {
            flush_scheduled_ = true;
            schedule_([this] { flush_lines(); });
        }
    }
    void block(std::string_view text)
    {
        flush_lines();
        err_.write(text);
    }

    // Writes the gathered lines now (before anything else is written, to keep the order).
    void flush_lines()
    {
        flush_scheduled_ = false;
        if (lines_.empty()) return;
        err_.write(lines_);
        lines_.clear(); // keeps its room for the next burst
    }

private:
    static constexpr std::size_t kMaxBatch = 256 * 1024;
    Palette palette_;
    std::function<void(std::function<void()>)> schedule_;
    std::string lines_;
    std::string line_; // a line and its newline, written at once
    bool flush_scheduled_ = false;
    ConsoleOutput out_{STDOUT_FILENO};
    ConsoleOutput err_{STDERR_FILENO};

    void leave_event_loop()
    {
        flush_lines();
        schedule_ = nullptr;
        out_.leave_event_loop();
        err_.leave_event_loop();
    }
    void write_line(ConsoleOutput& output, std::string_view line)
    {
        line_.assign(line);
        line_ += '\n';
        output.write(line_);
    }
};

} // namespace lambda_emu::report
