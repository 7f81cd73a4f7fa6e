#pragma once
// `lambda-emu serve --sandbox off` with the bench's compiled runtime, listening on an ephemeral
// port of 127.0.0.1, its console redirected to a file (as the figures measure it). Stopped with
// SIGTERM, as a user would, and reaped when the object goes; if it goes because the bench failed,
// the end of serve's console is printed first, to say why.
#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bench {

struct ServeOptions {
    std::size_t concurrency = 1;
    std::vector<std::string> extensions;  // executables, each passed with --extension
    std::vector<std::string> environment; // KEY=VALUE, each passed with --env (runtime and extensions see them)
    bool freeze = true;                   // false: --no-freeze, processes keep running between invocations
};

class ServeProcess {
public:
    ServeProcess(const std::string& emulator, const std::string& runtime, const ServeOptions& options,
                 const std::filesystem::path& console);
    ~ServeProcess();
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    pid_t pid() const { return pid_; }
    unsigned short port() const { return port_; }
    static const char* invoke_target() { return "/2015-03-31/functions/bench/invocations"; }

private:
    std::filesystem::path console_;
    boost::asio::io_context io_;
    boost::process::v2::process process_;
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

} // namespace bench
