#include "stdin_lifeline.hpp"

#include <boost/asio/buffer.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lambda_emu {

std::optional<std::string> StdinLifeline::problem()
{
    // Only a pipe or a socket has a writer whose death shows as end of file; a terminal never
    // ends, and a file or /dev/null ends at once.
    struct stat input {};
    if (::fstat(STDIN_FILENO, &input) != 0 || !(S_ISFIFO(input.st_mode) || S_ISSOCK(input.st_mode)))
        return "--exit-when-stdin-closes: standard input must be a pipe from the process that starts serve";
    return std::nullopt;
}

// A copy of the descriptor, so that the event loop's non-blocking mode never reaches the
// standard input the runtimes inherit.
StdinLifeline::StdinLifeline(boost::asio::io_context& io, report::Console& console, Interrupts::Target& target)
    : input_{io}, console_{console}, target_{target}
{
    const int copy = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) {
        console_.lifecycle(std::string{"warning: --exit-when-stdin-closes: cannot watch standard input: "} +
                           std::strerror(errno));
        return;
    }
    input_.assign(copy);
    read();
}

void StdinLifeline::read()
{
    input_.async_read_some(boost::asio::buffer(discarded_), [this](const boost::system::error_code& ec, std::size_t) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec) return read(); // what the parent writes means nothing
        if (target_.spinning_down()) return;
        console_.lifecycle("standard input closed (the process that started serve is gone): "
                           "shutting every environment down");
        target_.spin_down(SIGTERM);
    });
}

} // namespace lambda_emu
