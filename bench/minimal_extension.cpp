// The cheapest external extension: registers for INVOKE and SHUTDOWN and waits for the next event,
// over and over, doing nothing with them; it exits on SHUTDOWN. With BENCH_IGNORE_SHUTDOWN=1 it
// stays on after SHUTDOWN instead, until SIGKILL at its deadline (for the shutdown-precision
// trials).
#include "extension_api_client.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <unistd.h>

int main(int, char** argv)
{
    try {
        bench::ExtensionApiClient api;
        api.register_extension(std::filesystem::path{argv[0]}.filename().string(), R"(["INVOKE","SHUTDOWN"])");
        while (api.next_event().find(R"("SHUTDOWN")") == std::string::npos) {}
        const char* ignore = std::getenv("BENCH_IGNORE_SHUTDOWN");
        if (ignore && std::string{ignore} == "1")
            for (;;) pause();
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "minimal_extension: %s\n", error.what());
        return 1;
    }
}
