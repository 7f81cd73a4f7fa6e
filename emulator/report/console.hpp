#pragma once
// Where the emulator's words go: results on stdout (one JSON line each, for scripts), the
// lifecycle, platform lines and the processes' labelled logs on stderr (for people).
#include "colour.hpp"
#include "console_output.hpp"
#include "process_lines.hpp"

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
        // stdout and stderr may share the terminal: the status line makes room for the result.
        if (!status_.empty()) err_.write(kEraseLine);
        write_line(out_, json_line);
        if (!status_.empty()) err_.write(status_);
    }
    void platform(std::string_view line)
    {
        flush_lines();
        line_.assign(line);
        line_ += '\n';
        write_err(line_);
    }
    void lifecycle(std::string_view line) { platform(palette_.dim("[lambda-emu]") + " " + std::string{line}); }

    // Whether a status line would be seen: stderr is a terminal (not a pipe, a file or a CI log).
    static bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }
    // A line kept at the bottom of the terminal and redrawn in place (a long run's progress):
    // every other line written to stderr erases it first and draws it again below itself.
    // Empty: none (it is erased).
    void set_status(std::string_view line)
    {
        if (line.empty() && status_.empty()) return;
        flush_lines();
        std::string drawn{kEraseLine};
        drawn += line;
        err_.write(line.empty() ? std::string_view{kEraseLine} : std::string_view{drawn});
        status_ = line.empty() ? std::string{} : std::move(drawn);
    }
    // A process's line under its label ("[runtime]", "[ext:NAME]"), with serve's environment
    // number after it ("#2") when `suffix` says one.
    void process_line(const core::ProcessIdentity& who, std::string_view suffix, std::string_view line)
    {
        if (palette_.on()) {
            lines_ += palette_.label(who, "[" + output_label(who) + std::string{suffix} + "]");
        } else {
            lines_ += '[';
            lines_ += output_label(who);
            lines_ += suffix;
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
        write_err(text);
    }

    // Writes the gathered lines now (before anything else is written, to keep the order).
    void flush_lines()
    {
        flush_scheduled_ = false;
        if (lines_.empty()) return;
        write_err(lines_);
        lines_.clear(); // keeps its room for the next burst
    }

private:
    static constexpr std::size_t kMaxBatch = 256 * 1024;
    // Back to the line's start and clear it: a terminal's way to redraw a line in place.
    static constexpr std::string_view kEraseLine = "\r\x1b[K";
    Palette palette_;
    std::function<void(std::function<void()>)> schedule_;
    std::string lines_;
    std::string line_;   // a line and its newline, written at once
    std::string status_; // the status line as drawn (erase, then its text); empty: none
    bool flush_scheduled_ = false;
    ConsoleOutput out_{STDOUT_FILENO};
    ConsoleOutput err_{STDERR_FILENO};

    void leave_event_loop()
    {
        flush_lines();
        set_status({});
        schedule_ = nullptr;
        out_.leave_event_loop();
        err_.leave_event_loop();
    }
    // Whole lines to stderr, below which the status line, if any, is drawn again.
    void write_err(std::string_view text)
    {
        if (status_.empty()) return err_.write(text);
        std::string framed{kEraseLine};
        framed += text;
        framed += status_;
        err_.write(framed);
    }
    void write_line(ConsoleOutput& output, std::string_view line)
    {
        line_.assign(line);
        line_ += '\n';
        output.write(line_);
    }
};

} // namespace lambda_emu::report
