// `lambda-emu serve` measured from outside, each figure beside its floor measured in the same run:
//  * warm invocations through the invoke endpoint over one keep-alive connection, per payload size:
//    latency p50/p90/p99/max, invocations/s and the emulator's CPU per invocation; the floor is a
//    bare Beast loopback echo of the same bytes (an invocation moves them twice: caller -> runtime,
//    runtime -> caller), so its latency is doubled and its rate halved;
//  * log throughput: the runtime prints N lines of 100 bytes into serve's console (redirected to a
//    file); the floor is reading the same program's output from a pipe with no processing;
//  * the emulator's resident memory after the run.
// Each figure is the median of --runs runs. Figures, not tests: nothing here asserts a time.
//   serve_bench [--runs 3] [--scale 1] [--json FILE] [--emulator PATH] [--runtime PATH]
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

namespace net = boost::asio;
namespace beast_http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kBodyLimit = 16 * 1024 * 1024;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

double percentile(std::vector<double> sorted, double p)
{
    std::sort(sorted.begin(), sorted.end());
    return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5)];
}

// User+system CPU of a process, in ms (from /proc: the emulator is another process).
double process_cpu_ms(pid_t pid)
{
    std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
    std::string text{std::istreambuf_iterator<char>{stat}, {}};
    std::istringstream fields{text.substr(text.rfind(')') + 2)};
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i >= 14) ticks += std::stod(field);
    return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double process_rss_mb(pid_t pid)
{
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

// One keep-alive HTTP/1.1 connection, used synchronously (the bench is the caller, not the emulator).
class Client {
public:
    explicit Client(unsigned short port) : socket_{io_}
    {
        socket_.connect({net::ip::address_v4::loopback(), port});
        socket_.set_option(tcp::no_delay{true});
    }
    // Posts `body` and returns the answer's body size (its bytes are checked by size only).
    std::size_t post(const std::string& target, const std::string& body)
    {
        beast_http::request<beast_http::string_body> request{beast_http::verb::post, target, 11};
        request.set(beast_http::field::host, "127.0.0.1");
        request.body() = body;
        request.prepare_payload();
        beast_http::write(socket_, request);
        beast_http::response_parser<beast_http::string_body> parser;
        parser.body_limit(kBodyLimit);
        beast_http::read(socket_, buffer_, parser);
        if (parser.get().result_int() != 200) {
            std::fprintf(stderr, "bench: %s answered %d: %.200s\n", target.c_str(), parser.get().result_int(),
                         parser.get().body().c_str());
            std::exit(1);
        }
        return parser.get().body().size();
    }

private:
    net::io_context io_;
    tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
};

// The floor: a bare Beast echo server in a child process, one connection, keep-alive.
class EchoServer {
public:
    EchoServer()
    {
        net::io_context io;
        tcp::acceptor acceptor{io, {net::ip::address_v4::loopback(), 0}};
        port_ = acceptor.local_endpoint().port();
        pid_ = fork();
        if (pid_ == 0) {
            tcp::socket socket{io};
            acceptor.accept(socket);
            socket.set_option(tcp::no_delay{true});
            boost::beast::flat_buffer buffer;
            for (;;) {
                beast_http::request_parser<beast_http::string_body> parser;
                parser.body_limit(kBodyLimit);
                boost::beast::error_code ec;
                beast_http::read(socket, buffer, parser, ec);
                if (ec) _exit(0);
                beast_http::response<beast_http::string_body> response{beast_http::status::ok, 11};
                response.body() = std::move(parser.get().body());
                response.prepare_payload();
                beast_http::write(socket, response, ec);
                if (ec) _exit(0);
            }
        }
    }
    ~EchoServer() { waitpid(pid_, nullptr, 0); } // it ends when its client hangs up
    unsigned short port() const { return port_; }

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

// `lambda-emu serve` with the minimal runtime; its console goes to a file, as the issue measures.
class Serve {
public:
    Serve(const std::string& emulator, const std::string& runtime)
    {
        char path[] = "/tmp/serve-bench-XXXXXX";
        const int fd = mkstemp(path);
        console_ = path;
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            execl(emulator.c_str(), emulator.c_str(), "serve", "--sandbox", "off", "--listen", "127.0.0.1:0",
                  "--function-name", "bench", "--timeout", "60", runtime.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fd);
        const std::regex listening{R"(http://127\.0\.0\.1:(\d+))"};
        for (int i = 0; i < 400 && port_ == 0; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds{25});
            std::ifstream console{console_};
            const std::string text{std::istreambuf_iterator<char>{console}, {}};
            if (std::smatch match; std::regex_search(text, match, listening))
                port_ = static_cast<unsigned short>(std::stoi(match[1]));
        }
        if (port_ == 0) {
            std::fprintf(stderr, "bench: serve did not say where it listens (see %s)\n", console_.c_str());
            std::exit(1);
        }
    }
    ~Serve()
    {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        unlink(console_.c_str());
    }
    pid_t pid() const { return pid_; }
    unsigned short port() const { return port_; }

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
    std::string console_;
};

struct Sample {
    std::vector<double> latencies_us;
    double per_second = 0;
};

Sample measure(Client& client, const std::string& target, const std::string& body, int count)
{
    for (int i = 0; i < 3; ++i) client.post(target, body); // warm
    Sample sample;
    const auto started = Clock::now();
    for (int i = 0; i < count; ++i) {
        const auto sent = Clock::now();
        if (client.post(target, body) != body.size()) {
            std::fprintf(stderr, "bench: the answer is not the payload\n");
            std::exit(1);
        }
        sample.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent).count());
    }
    sample.per_second = count / seconds_since(started);
    return sample;
}

// The floor for logs: the same program's lines read from a pipe with no processing, in MB/s.
double pipe_floor_mb_per_s(const std::string& runtime, long lines)
{
    int fds[2];
    if (pipe(fds) != 0) std::exit(1);
    const auto started = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execl(runtime.c_str(), runtime.c_str(), "--print", std::to_string(lines).c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    static char chunk[1 << 16];
    while (read(fds[0], chunk, sizeof chunk) > 0) {}
    close(fds[0]);
    waitpid(pid, nullptr, 0);
    return static_cast<double>(lines) * 100 / 1e6 / seconds_since(started);
}

struct Figure {
    std::string name;
    std::vector<double> runs;
    std::vector<double> floor_runs; // empty when the figure has no floor
};

std::string size_name(std::size_t size)
{
    if (size >= 1024 * 1024) return std::to_string(size / (1024 * 1024)) + "MB";
    if (size >= 1024) return std::to_string(size / 1024) + "KB";
    return std::to_string(size) + "B";
}

} // namespace

int main(int argc, char** argv)
{
    std::string emulator = LAMBDA_EMU_BENCH_EMULATOR;
    std::string runtime = LAMBDA_EMU_BENCH_RUNTIME;
    std::string json_path;
    int runs = 3;
    double scale = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
        else if (option == "--scale") scale = std::atof(argv[i + 1]);
        else if (option == "--json") json_path = argv[i + 1];
        else if (option == "--emulator") emulator = argv[i + 1];
        else if (option == "--runtime") runtime = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: serve_bench [--runs N] [--scale F] [--json FILE] [--emulator PATH] "
                                 "[--runtime PATH]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    const std::string target = "/2015-03-31/functions/bench/invocations";
    const std::vector<std::pair<std::size_t, int>> sizes{
        {100, 2000}, {64 * 1024, 400}, {1024 * 1024, 60}, {6 * 1024 * 1024, 12}};
    std::map<std::string, Figure> figures;
    std::vector<std::string> order;
    const auto add = [&](const std::string& name, double value, double floor, bool has_floor) {
        auto [it, inserted] = figures.try_emplace(name, Figure{name, {}, {}});
        if (inserted) order.push_back(name);
        it->second.runs.push_back(value);
        if (has_floor) it->second.floor_runs.push_back(floor);
    };
    double rss_mb = 0;
    for (int run = 0; run < runs; ++run) {
        Serve serve{emulator, runtime};
        Client client{serve.port()};
        for (const auto& [size, base_count] : sizes) {
            const int count = std::max(3, static_cast<int>(base_count * scale));
            std::string body(size, 'x');
            body.front() = '"';
            body.back() = '"';
            const double cpu_before = process_cpu_ms(serve.pid());
            const Sample emu = measure(client, target, body, count);
            const double cpu_per_invoke_us = (process_cpu_ms(serve.pid()) - cpu_before) * 1000.0 / (count + 3);
            Sample echo;
            {
                EchoServer server;
                Client echo_client{server.port()};
                echo = measure(echo_client, "/echo", body, count);
            }
            const std::string name = size_name(size);
            for (const auto& [label, p] :
                 std::vector<std::pair<std::string, double>>{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"max", 1.0}})
                add("invoke " + name + " " + label + " us", percentile(emu.latencies_us, p),
                    2 * percentile(echo.latencies_us, p), true);
            add("invoke " + name + " invocations/s", emu.per_second, echo.per_second / 2, true);
            add("invoke " + name + " emulator CPU us/invocation", cpu_per_invoke_us, 0, false);
        }
        // Logs: one invocation prints N lines; the answer comes once they are written (the pipe
        // then holds at most its 64 KB, which the emulator drains next).
        const long lines = std::max(1000L, static_cast<long>(200000 * scale));
        const std::string event = "{\"log\":" + std::to_string(lines) + "}";
        const double log_cpu_before = process_cpu_ms(serve.pid());
        const auto log_started = Clock::now();
        if (client.post(target, event) != event.size()) return 1;
        const double log_seconds = seconds_since(log_started);
        const double log_cpu_ms = process_cpu_ms(serve.pid()) - log_cpu_before;
        const double floor_mb_s = pipe_floor_mb_per_s(runtime, lines);
        add("logs to console MB/s", static_cast<double>(lines) * 100 / 1e6 / log_seconds, floor_mb_s, true);
        add("logs to console emulator CPU ns/line", log_cpu_ms * 1e6 / static_cast<double>(lines), 0, false);
        rss_mb = process_rss_mb(serve.pid());
        add("emulator RSS MB (1 environment, after the run)", rss_mb, 0, false);
    }

    std::printf("lambda-emu serve, minimal C++ runtime, one keep-alive client; median of %d run(s)\n", runs);
    std::printf("%-46s %12s %12s %8s\n", "figure", "lambda-emu", "floor", "ratio");
    nlohmann::ordered_json json;
    json["runs"] = runs;
    json["scale"] = scale;
    for (const auto& name : order) {
        const auto& figure = figures.at(name);
        const double value = median(figure.runs);
        nlohmann::ordered_json entry{{"median", value}, {"runs", figure.runs}};
        if (figure.floor_runs.empty()) {
            std::printf("%-46s %12.1f %12s %8s\n", name.c_str(), value, "-", "-");
        } else {
            const double floor = median(figure.floor_runs);
            std::printf("%-46s %12.1f %12.1f %8.2f\n", name.c_str(), value, floor, value / floor);
            entry["floor"] = floor;
            entry["floor_runs"] = figure.floor_runs;
            entry["ratio"] = value / floor;
        }
        json["figures"][name] = entry;
    }
    std::printf("(floor: a bare Beast loopback echo of the same bytes, latency doubled and rate halved; for logs, "
                "the runtime's lines read from a pipe with no processing)\n");
    if (!json_path.empty()) std::ofstream{json_path} << json.dump(2) << '\n';
    return 0;
}
