#pragma once
// Where the emulator's words go: results on stdout (one JSON line each, for scripts), the
// lifecycle, platform lines and the processes' labelled logs on stderr (for people).
#include "colour.hpp"

#include <cstdio>
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

    // Processes' lines are gathered and written together once the event loop has handled what
    // it read (`schedule` posts the write after the current handler): a pipe's burst of lines
    // costs one write instead of one per line. Without a scheduler every line is written at once.
    void batch_lines(std::function<void(std::function<void()>)> schedule) { schedule_ = std::move(schedule); }

    // Colour for what goes to stderr (--color, NO_COLOR, a terminal or not); off by default.
    void set_palette(Palette palette) { palette_ = palette; }
    const Palette& palette() const { return palette_; }

    void result(std::string_view json_line)
    {
        flush_lines();
        write(stdout, json_line);
    }
    void platform(std::string_view line)
    {
        flush_lines();
        write(stderr, line);
    }
    void lifecycle(std::string_view line)
    {
        flush_lines();
        const auto label = palette_.label("lambda-emu", "[lambda-emu]");
        std::fwrite(label.data(), 1, label.size(), stderr);
        std::fputc(' ', stderr);
        write(stderr, line);
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
        std::fwrite(text.data(), 1, text.size(), stderr);
        std::fflush(stderr);
    }

    // Writes the gathered lines now (before anything else is written, to keep the order).
    void flush_lines()
    {
        flush_scheduled_ = false;
        if (lines_.empty()) return;
        std::fwrite(lines_.data(), 1, lines_.size(), stderr);
        std::fflush(stderr);
        lines_.clear(); // keeps its room for the next burst
    }

private:
    static constexpr std::size_t kMaxBatch = 256 * 1024;
    Palette palette_;
    std::function<void(std::function<void()>)> schedule_;
    std::string lines_;
    bool flush_scheduled_ = false;

    static void write(std::FILE* stream, std::string_view line)
    {
        std::fwrite(line.data(), 1, line.size(), stream);
        std::fputc('\n', stream);
        std::fflush(stream);
    }
};

} // namespace lambda_emu::report
