// libFuzzer entry point of the event_stream target (event_stream.cpp).
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    lambda_emu::fuzz::event_stream(input);
    return 0;
}
