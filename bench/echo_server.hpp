#pragma once
// The floor for invocations: the cheapest way to move a body over loopback HTTP and back. A child
// process (so that, like the emulator, it is a process of its own on the machine's cores) answers
// every request on 127.0.0.1 with the same bytes, one thread per connection, each reading a body
// straight into a buffer of its Content-Length and writing it back with one gathered write.
#include <sys/types.h>

namespace bench {

class EchoServer {
public:
    EchoServer();
    ~EchoServer(); // kills and reaps the child
    EchoServer(const EchoServer&) = delete;
    EchoServer& operator=(const EchoServer&) = delete;

    unsigned short port() const { return port_; }

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

} // namespace bench
