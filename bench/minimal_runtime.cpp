// The cheapest runtime possible, for measuring the emulator rather than the runtime: one
// keep-alive connection, blocking sockets, /next then /response with the same bytes, forever.
// Events that ask for more: {"log":N} prints N lines of 100 bytes before answering;
// {"sleep_ms":N} waits N ms before answering (to keep many environments busy at once).
// With BENCH_IGNORE_SHUTDOWN=1 it ignores SIGTERM and is killed at its deadline.
#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int connect_to(const char* api)
{
    const char* colon = std::strchr(api, ':');
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::atoi(colon + 1)));
    inet_pton(AF_INET, std::string(api, colon).c_str(), &address.sin_addr);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) std::exit(1);
    return fd;
}

void send_all(int fd, const std::string& data)
{
    for (std::size_t sent = 0; sent < data.size();) {
        const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) std::exit(0);
        sent += static_cast<std::size_t>(n);
    }
}

// Reads one response: returns its headers; `body` gets Content-Length bytes.
std::string read_response(int fd, std::string& buffer, std::string& body)
{
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        char chunk[65536];
        const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) std::exit(0);
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    std::string headers = buffer.substr(0, end + 4);
    const char* length_at = strcasestr(headers.c_str(), "content-length:");
    const std::size_t length = length_at ? std::strtoul(length_at + 15, nullptr, 10) : 0;
    while (buffer.size() < end + 4 + length) {
        char chunk[65536];
        const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) std::exit(0);
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    body = buffer.substr(end + 4, length);
    buffer.erase(0, end + 4 + length);
    return headers;
}

// Prints `count` log lines of 100 bytes (99 and a newline) to standard output, in large writes.
void print_lines(long count)
{
    std::string block;
    for (int i = 0; i < 640; ++i) block += std::string(99, 'l') + '\n';
    for (long left = count; left > 0; left -= 640) {
        const std::size_t bytes = static_cast<std::size_t>(left < 640 ? left : 640) * 100;
        for (std::size_t written = 0; written < bytes;) {
            const ssize_t n = write(1, block.data() + written, bytes - written);
            if (n <= 0) std::exit(4);
            written += static_cast<std::size_t>(n);
        }
    }
}

} // namespace

// minimal_runtime --print N: print N lines and exit (the benchmark's floor for log throughput;
// with N = 0, for the runtime's own start-up).
int main(int argc, char** argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--print") == 0) {
        print_lines(std::atol(argv[2]));
        return 0;
    }
    const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 2;
    if (const char* ignore = std::getenv("BENCH_IGNORE_SHUTDOWN"); ignore && std::strcmp(ignore, "1") == 0)
        std::signal(SIGTERM, SIG_IGN);
    const int fd = connect_to(api);
    const std::string host = std::string{"Host: "} + api + "\r\n";
    std::string buffer;
    std::string body;
    for (;;) {
        send_all(fd, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n" + host + "\r\n");
        const std::string headers = read_response(fd, buffer, body);
        const char* id_at = strcasestr(headers.c_str(), "lambda-runtime-aws-request-id:");
        if (!id_at) return 3;
        id_at += 30;
        while (*id_at == ' ') ++id_at;
        const std::string id(id_at, std::strcspn(id_at, "\r\n"));
        if (body.rfind("{\"log\":", 0) == 0) print_lines(std::atol(body.c_str() + 7));
        if (body.rfind("{\"sleep_ms\":", 0) == 0) usleep(static_cast<useconds_t>(std::atol(body.c_str() + 12) * 1000));
        send_all(fd, "POST /2018-06-01/runtime/invocation/" + id + "/response HTTP/1.1\r\n" + host +
                         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\n\r\n" + body);
        std::string ignored;
        read_response(fd, buffer, ignored);
    }
}
