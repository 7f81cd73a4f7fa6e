#pragma once
// A file descriptor closed when it goes out of scope, so a walk that fails half-way leaks none.
#include <unistd.h>
#include <utility>

namespace lambda_emu::process {

class OwnedFd {
public:
    explicit OwnedFd(int fd = -1) : fd_{fd} {}
    ~OwnedFd()
    {
        if (fd_ >= 0) ::close(fd_);
    }
    OwnedFd(OwnedFd&& other) noexcept : fd_{std::exchange(other.fd_, -1)} {}
    OwnedFd& operator=(OwnedFd&& other) noexcept
    {
        std::swap(fd_, other.fd_);
        return *this;
    }
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_;
};

} // namespace lambda_emu::process
