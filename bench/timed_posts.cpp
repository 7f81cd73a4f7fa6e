#include "timed_posts.hpp"

#include "keep_alive_client.hpp"

#include <chrono>
#include <exception>
#include <latch>
#include <memory>
#include <stdexcept>
#include <thread>

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

void post_expecting_echo(KeepAliveClient& client, const std::string& target, const std::string& body)
{
    if (client.post(target, body).size() != body.size()) throw std::runtime_error{"the answer is not the payload"};
}

} // namespace

TimedPosts time_posts(unsigned short port, const std::string& target, const std::string& body, long count)
{
    KeepAliveClient client{port};
    for (int i = 0; i < 3; ++i) post_expecting_echo(client, target, body);
    TimedPosts timed;
    timed.latencies_us.reserve(static_cast<std::size_t>(count));
    const auto started = Clock::now();
    for (long i = 0; i < count; ++i) {
        const auto sent = Clock::now();
        post_expecting_echo(client, target, body);
        timed.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent).count());
    }
    timed.per_second = static_cast<double>(count) / std::chrono::duration<double>(Clock::now() - started).count();
    return timed;
}

double time_parallel_posts(unsigned short port, const std::string& target, const std::string& body, int clients,
                           long count)
{
    // Every client connects and warms up first; the clock starts once all are ready, before any
    // of them may go on.
    std::latch ready{clients};
    std::latch go{1};
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(clients));
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            std::unique_ptr<KeepAliveClient> client;
            try {
                client = std::make_unique<KeepAliveClient>(port);
                for (int i = 0; i < 3; ++i) post_expecting_echo(*client, target, body);
            } catch (...) {
                failures[static_cast<std::size_t>(c)] = std::current_exception();
            }
            ready.count_down();
            go.wait();
            try {
                for (long i = c; client && i < count; i += clients) post_expecting_echo(*client, target, body);
            } catch (...) {
                failures[static_cast<std::size_t>(c)] = std::current_exception();
            }
        });
    }
    ready.wait();
    const auto started = Clock::now();
    go.count_down();
    for (auto& thread : threads) thread.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    for (const auto& failure : failures)
        if (failure) std::rethrow_exception(failure);
    return static_cast<double>(count) / seconds;
}

} // namespace bench
