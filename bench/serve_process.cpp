#include "serve_process.hpp"

#include <boost/process/v2/stdio.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <stdexcept>
#include <thread>

namespace bench {
namespace {

namespace bp = boost::process::v2;

std::vector<std::string> serve_arguments(const std::string& runtime, const ServeOptions& options)
{
    std::vector<std::string> arguments{"serve", "--sandbox", "off", "--cpu", "host", "--listen", "127.0.0.1:0"};
    arguments.insert(arguments.end(), {"--function-name", "bench", "--timeout", "60"});
    arguments.insert(arguments.end(), {"--concurrency", std::to_string(options.concurrency)});
    for (const auto& extension : options.extensions) arguments.insert(arguments.end(), {"--extension", extension});
    for (const auto& variable : options.environment) arguments.insert(arguments.end(), {"--env", variable});
    if (!options.freeze) arguments.push_back("--no-freeze");
    arguments.push_back(runtime);
    return arguments;
}

// serve prints its invoke endpoint once it listens.
unsigned short wait_for_port(const std::filesystem::path& console)
{
    const std::regex listening{R"(http://127\.0\.0\.1:(\d+))"};
    for (int i = 0; i < 2000; ++i) {
        std::ifstream file{console};
        const std::string text{std::istreambuf_iterator<char>{file}, {}};
        if (std::smatch match; std::regex_search(text, match, listening))
            return static_cast<unsigned short>(std::stoi(match[1]));
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    throw std::runtime_error{"serve did not say where it listens within 10 s"};
}

// stdout and stderr share one open file (one offset), so their lines interleave as on a terminal.
bp::process launch(boost::asio::io_context& io, const std::string& emulator, const std::vector<std::string>& arguments,
                   const std::filesystem::path& console)
{
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::fopen(console.c_str(), "w"), &std::fclose};
    if (!file) throw std::runtime_error{"cannot write " + console.string()};
    return bp::process{io, emulator, arguments, bp::process_stdio{nullptr, file.get(), file.get()}};
}

} // namespace

ServeProcess::ServeProcess(const std::string& emulator, const std::string& runtime, const ServeOptions& options,
                           const std::filesystem::path& console)
    : console_{console}, process_{launch(io_, emulator, serve_arguments(runtime, options), console)}, pid_{
                                                                                                          process_.id()}
{
    port_ = wait_for_port(console);
}

ServeProcess::~ServeProcess()
{
    if (std::uncaught_exceptions() > 0) {
        std::ifstream file{console_};
        const std::string text{std::istreambuf_iterator<char>{file}, {}};
        std::fprintf(stderr, "bench: the end of serve's console:\n%s\n",
                     text.substr(text.size() > 4000 ? text.size() - 4000 : 0).c_str());
    }
    boost::system::error_code ignored;
    process_.request_exit(ignored);
    process_.wait(ignored);
}

} // namespace bench
