#include "console_output.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lambda_emu::report {

namespace {

// Writes what it can without waiting; how much was taken (0 when the reader is full or gone).
std::size_t write_some(int fd, std::string_view bytes)
{
    for (;;) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written >= 0) return static_cast<std::size_t>(written);
        if (errno != EINTR) return 0;
    }
}

} // namespace

void ConsoleOutput::Backlog::consume(std::size_t count)
{
    taken_ += count;
    if (taken_ == bytes_.size()) {
        clear();
    } else if (taken_ >= 1024 * 1024 && taken_ * 2 >= bytes_.size()) {
        bytes_.erase(0, taken_); // at most once per the backlog's size in bytes taken
        taken_ = 0;
    }
}

void ConsoleOutput::join_event_loop(boost::asio::io_context& io)
{
    struct stat kind {};
    // Pipes and terminals make a writer wait; files and /dev/null never do (and epoll refuses them).
    if (own_fd_ >= 0 || ::fstat(fd_, &kind) != 0 || !(S_ISFIFO(kind.st_mode) || ::isatty(fd_) == 1)) return;
    const std::string path = "/proc/self/fd/" + std::to_string(fd_);
    const int own = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (own < 0) return; // not reopenable: blocking writes, as before
    boost::system::error_code ec;
    waiter_.emplace(io);
    waiter_->assign(::dup(own), ec); // the waiter closes its own copy
    if (ec) {                        // epoll will not watch it: blocking writes, as before
        waiter_.reset();
        ::close(own);
        return;
    }
    own_fd_ = own;
}

void ConsoleOutput::leave_event_loop(std::chrono::milliseconds patience)
{
    if (own_fd_ < 0) return;
    waiter_.reset();
    waiting_ = false;
    backlog_.append(dropped_note());
    // The reader has `patience` to take the backlog, counted from its last progress.
    while (!backlog_.empty()) {
        pollfd ready{own_fd_, POLLOUT, 0};
        if (::poll(&ready, 1, static_cast<int>(patience.count())) <= 0 || (ready.revents & POLLOUT) == 0) break;
        const std::size_t taken = write_some(own_fd_, backlog_.pending());
        if (taken == 0 && errno != EAGAIN) break;
        backlog_.consume(taken);
    }
    backlog_.clear();
    ::close(own_fd_);
    own_fd_ = -1;
}

void ConsoleOutput::write(std::string_view bytes)
{
    if (own_fd_ < 0) {
        while (!bytes.empty()) {
            const std::size_t taken = write_some(fd_, bytes);
            if (taken == 0) return; // closed or failing: nothing more to do for this output
            bytes.remove_prefix(taken);
        }
        return;
    }
    if (!backlog_.empty()) {
        if (backlog_.size() + bytes.size() > kMaxBacklog) {
            dropped_bytes_ += bytes.size();
            return;
        }
        backlog_.append(bytes);
        return;
    }
    const std::size_t taken = write_some(own_fd_, bytes);
    if (taken == bytes.size()) return;
    if (taken == 0 && errno != EAGAIN && errno != EWOULDBLOCK) return; // the reader is gone
    backlog_.append(bytes.substr(taken));
    write_backlog_when_ready();
}

void ConsoleOutput::write_backlog_when_ready()
{
    if (waiting_ || !waiter_) return;
    waiting_ = true;
    waiter_->async_wait(boost::asio::posix::stream_descriptor::wait_write, [this](const boost::system::error_code& ec) {
        waiting_ = false;
        if (!ec) on_writable();
    });
}

void ConsoleOutput::on_writable()
{
    const std::size_t taken = write_some(own_fd_, backlog_.pending());
    if (taken == 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        backlog_.clear(); // the reader is gone
        return;
    }
    backlog_.consume(taken);
    if (backlog_.empty()) {
        if (const std::string note = dropped_note(); !note.empty()) write(note);
        return;
    }
    write_backlog_when_ready();
}

std::string ConsoleOutput::dropped_note()
{
    if (dropped_bytes_ == 0) return {};
    const std::string note = "[lambda-emu] " + std::to_string(dropped_bytes_) +
                             " bytes of output were dropped here: this output was not read for a while and " +
                             std::to_string(kMaxBacklog / (1024 * 1024)) + " MB were waiting\n";
    dropped_bytes_ = 0;
    return note;
}

} // namespace lambda_emu::report
