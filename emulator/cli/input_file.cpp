#include "input_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lambda_emu {

namespace {

struct OpenFile {
    int fd = -1;
    explicit OpenFile(int opened) : fd{opened} {}
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    ~OpenFile()
    {
        if (fd >= 0) ::close(fd);
    }
};

// What a file that cannot be read as text is, in the words of `ls -l`'s first letter.
const char* kind_of(mode_t mode)
{
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISFIFO(mode)) return "a pipe";
    return "not a regular file";
}

std::string too_large(const std::string& what, const InputFileRules& rules)
{
    return what + " is larger than " + rules.limit;
}

} // namespace

InputFile read_input_file(const std::string& path, const std::string& what, const InputFileRules& rules)
{
    InputFile file;
    auto refuse = [&file](std::string error) {
        file.error = std::move(error);
        file.text.clear();
        return std::move(file);
    };
    // Looked at before it is opened: opening a device or a tty can itself do something.
    struct stat named {};
    if (::stat(path.c_str(), &named) != 0) return refuse("cannot read " + what + ": " + std::strerror(errno));
    const bool pipe = S_ISFIFO(named.st_mode);
    if (!S_ISREG(named.st_mode) && !(pipe && rules.pipe_allowed)) {
        return refuse(what + " is " + kind_of(named.st_mode) + ", not a file" +
                      (rules.pipe_allowed ? " or a pipe" : ""));
    }
    if (!pipe && static_cast<std::size_t>(named.st_size) > rules.max_bytes) return refuse(too_large(what, rules));

    // Non-blocking: opening a named FIFO that has no writer would otherwise wait for one forever.
    OpenFile opened{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
    if (opened.fd < 0) return refuse("cannot read " + what + ": " + std::strerror(errno));

    const auto deadline = std::chrono::steady_clock::now() + rules.pipe_deadline;
    char buffer[16384];
    for (;;) {
        if (pipe) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd wait{opened.fd, POLLIN, 0};
            const int ready = left.count() > 0 ? ::poll(&wait, 1, static_cast<int>(left.count())) : 0;
            if (ready < 0 && errno == EINTR) continue;
            if (ready == 0) {
                return refuse(what + " is a pipe that did not end within " +
                              std::to_string(rules.pipe_deadline.count() / 1000) +
                              " s; its writer must finish (as `<(command)` does when the command exits)");
            }
        }
        // Never more than one byte past the bound: enough to know the file is too large.
        const std::size_t want = std::min(sizeof buffer, rules.max_bytes + 1 - file.text.size());
        const ssize_t got = ::read(opened.fd, buffer, want);
        if (got == 0) break;
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return refuse("cannot read " + what + ": " + std::strerror(errno));
        }
        file.text.append(buffer, static_cast<std::size_t>(got));
        if (file.text.size() > rules.max_bytes) return refuse(too_large(what, rules));
    }
    return file;
}

} // namespace lambda_emu
