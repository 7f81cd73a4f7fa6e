// libFuzzer entry point of the http_apis target: bytes from clients, on a real http::Server with
// every API's routes (api_world.cpp): Beast's request parser, the session, the router, and each
// route handler down to the core.
#include "targets.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    lambda_emu::fuzz::http_apis(input);
    return 0;
}
