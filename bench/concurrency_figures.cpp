// 100 B invocations/s with 1, 4 and 16 clients posting at once (threads of the bench, each with its
// own keep-alive connection) against serve --concurrency 1, 2 and 4. The floor is the echo server
// answering the same number of clients, its rate halved (an invocation carries the bytes twice); it
// depends on the clients only, so each client count's floor serves the three concurrencies.
#include "echo_server.hpp"
#include "measurements.hpp"
#include "serve_process.hpp"
#include "timed_posts.hpp"

#include <map>

namespace bench {

void measure_concurrency(const BenchSetup& setup, FigureTable& table)
{
    const std::string body = R"(")" + std::string(98, 'x') + R"(")";
    const long count = setup.scaled(4000, 32);
    const int client_counts[] = {1, 4, 16};
    std::map<int, double> echo_per_second;
    for (const int clients : client_counts) {
        EchoServer server;
        echo_per_second[clients] = time_parallel_posts(server.port(), "/echo", body, clients, count);
    }
    for (const std::size_t concurrency : {1, 2, 4}) {
        ServeOptions options;
        options.concurrency = concurrency;
        const ServeProcess serve{setup.emulator, setup.runtime, options, setup.scratch->file("serve-concurrency.log")};
        for (const int clients : client_counts)
            table.add("throughput 100B, " + std::to_string(clients) + " clients, --concurrency " +
                          std::to_string(concurrency) + ", invocations/s",
                      time_parallel_posts(serve.port(), ServeProcess::invoke_target(), body, clients, count),
                      echo_per_second[clients] / 2);
    }
}

} // namespace bench
