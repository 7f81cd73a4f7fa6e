// libFuzzer entry point of the json_bodies target (json_bodies.cpp).
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    lambda_emu::fuzz::json_bodies(input);
    return 0;
}
