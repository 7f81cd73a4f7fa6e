#pragma once
// Timing invocations (or their floor's echoes) from the caller's side: one client posting in a
// loop, or several clients, each a thread with its own keep-alive connection.
#include <string>
#include <vector>

namespace bench {

struct TimedPosts {
    std::vector<double> latencies_us; // one per post (one client only)
    double per_second = 0;
};

// `count` posts of `body` over one connection, after 3 to warm up; checks every answer is `body`.
TimedPosts time_posts(unsigned short port, const std::string& target, const std::string& body, long count);
// `count` posts in all, shared by `clients` connections posting at once; returns posts per second.
double time_parallel_posts(unsigned short port, const std::string& target, const std::string& body, int clients,
                           long count);

} // namespace bench
