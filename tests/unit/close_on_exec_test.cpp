// The first line of defence against leaked descriptors: every socket the emulator's server holds
// is close-on-exec, so exec drops it even before the child's own close-range.
#include "http/router.hpp"
#include "http/server.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace lambda_emu;

namespace {

// The open descriptors of this process that are sockets.
std::vector<int> open_sockets()
{
    std::vector<int> sockets;
    DIR* fds = ::opendir("/proc/self/fd");
    REQUIRE(fds != nullptr);
    while (const dirent* entry = ::readdir(fds)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        const std::string path = std::string{"/proc/self/fd/"} + entry->d_name;
        char target[128] = {};
        if (::readlink(path.c_str(), target, sizeof target - 1) > 0 && std::string{target}.rfind("socket:", 0) == 0)
            sockets.push_back(std::stoi(entry->d_name));
    }
    ::closedir(fds);
    return sockets;
}

} // namespace

TEST_CASE("the server's listener and the connections it accepts are close-on-exec")
{
    boost::asio::io_context io;
    http::Router router;
    std::string error;
    auto server = http::Server::listen(io, router, {}, error);
    REQUIRE(server);
    boost::asio::ip::tcp::socket client{io};
    client.connect({boost::asio::ip::make_address_v4("127.0.0.1"), server->port()});
    // Let the server accept: the accepted socket shows up as one more socket in this process.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (open_sockets().size() < 3 && std::chrono::steady_clock::now() < deadline)
        io.run_for(std::chrono::milliseconds{10});

    int checked = 0;
    for (const int fd : open_sockets()) {
        if (fd == client.native_handle()) continue; // the test's own, opened by plain Asio
        CAPTURE(fd);
        CHECK((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
        ++checked;
    }
    CHECK(checked == 2); // the listener and the accepted connection
}
