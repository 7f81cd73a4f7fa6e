#pragma once
// Asio opens sockets without SOCK_CLOEXEC on Linux: mark each one right after it is opened or
// accepted, so no runtime or extension inherits a listener or a client's connection. The loop is
// single-threaded, so nothing forks in between.
#include <fcntl.h>

namespace lambda_emu::http {

inline void set_close_on_exec(int descriptor)
{
    const int flags = ::fcntl(descriptor, F_GETFD);
    if (flags >= 0) ::fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC);
}

} // namespace lambda_emu::http
