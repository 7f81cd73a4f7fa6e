// libFuzzer entry point of the line_reader target (line_reader.cpp). The lines must be exactly
// the input's (below LineReader::kMaxLine, where long lines start being cut in pieces).
#include "targets.hpp"

#include "process/line_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace lambda_emu;
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    const auto lines = fuzz::line_reader(input);
    if (size < process::LineReader::kMaxLine && lines != fuzz::expected_lines(input)) {
        std::fprintf(stderr, "line_reader: the lines read differ from the lines written\n");
        std::abort();
    }
    return 0;
}
