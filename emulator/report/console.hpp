#pragma once
// Where the emulator's words go: results on stdout (one JSON line each, for scripts), the
// lifecycle, platform lines and the processes' labelled logs on stderr (for people).
#include "colour.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace lambda_emu::report {

class Console {
public:
    // Colour for what goes to stderr (--color, NO_COLOR, a terminal or not); off by default.
    void set_palette(Palette palette) { palette_ = palette; }
    const Palette& palette() const { return palette_; }

    void result(std::string_view json_line) { write(stdout, json_line); }
    void platform(std::string_view line) { write(stderr, line); }
    void lifecycle(std::string_view line)
    {
        const auto label = palette_.label("lambda-emu", "[lambda-emu]");
        std::fwrite(label.data(), 1, label.size(), stderr);
        std::fputc(' ', stderr);
        write(stderr, line);
    }
    void process_line(std::string_view source, std::string_view line)
    {
        if (palette_.on()) {
            const auto label = palette_.label(source, "[" + std::string{source} + "]");
            std::fwrite(label.data(), 1, label.size(), stderr);
        } else {
            std::fputc('[', stderr);
            std::fwrite(source.data(), 1, source.size(), stderr);
            std::fputc(']', stderr);
        }
        std::fputc(' ', stderr);
        write(stderr, line);
    }
    void block(std::string_view text)
    {
        std::fwrite(text.data(), 1, text.size(), stderr);
        std::fflush(stderr);
    }

private:
    Palette palette_;

    static void write(std::FILE* stream, std::string_view line)
    {
        std::fwrite(line.data(), 1, line.size(), stream);
        std::fputc('\n', stream);
        std::fflush(stream);
    }
};

} // namespace lambda_emu::report
