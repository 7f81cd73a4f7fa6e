#pragma once
// Where the emulator's words go: results on stdout (one JSON line each, for scripts), the
// lifecycle, platform lines and the processes' labelled logs on stderr (for people).
#include <cstdio>
#include <string_view>

namespace lambda_emu::report {

class Console {
public:
    void result(std::string_view json_line) { write(stdout, json_line); }
    void platform(std::string_view line) { write(stderr, line); }
    void lifecycle(std::string_view line)
    {
        std::fputs("[lambda-emu] ", stderr);
        write(stderr, line);
    }
    void process_line(std::string_view source, std::string_view line)
    {
        std::fputc('[', stderr);
        std::fwrite(source.data(), 1, source.size(), stderr);
        std::fputs("] ", stderr);
        write(stderr, line);
    }
    void block(std::string_view text)
    {
        std::fwrite(text.data(), 1, text.size(), stderr);
        std::fflush(stderr);
    }

private:
    static void write(std::FILE* stream, std::string_view line)
    {
        std::fwrite(line.data(), 1, line.size(), stream);
        std::fputc('\n', stream);
        std::fflush(stream);
    }
};

} // namespace lambda_emu::report
