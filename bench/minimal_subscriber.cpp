// The cheapest Telemetry API subscriber: it listens on 127.0.0.1 itself, subscribes to the
// function's log lines with the largest batches Lambda allows and its shortest timeout, and counts
// what arrives without parsing it (occurrences of "type":"function"). After every batch it
// publishes its totals, "<records> <dropped>", to the file BENCH_SUBSCRIBER_PROGRESS (written
// beside it and renamed, so a reader never sees half of it): its own output would go through the
// emulator it measures. It also takes platform records, or a platform.logsDropped would never
// reach it; those are a handful per invocation.
#include "extension_api_client.hpp"
#include "http_io.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace {

using namespace bench;

class Totals {
public:
    explicit Totals(std::filesystem::path progress) : progress_{std::move(progress)} {}

    void count_batch(std::string_view batch)
    {
        long records = 0;
        constexpr std::string_view function_record = R"("type":"function")";
        for (auto at = batch.find(function_record); at != std::string_view::npos;
             at = batch.find(function_record, at + function_record.size()))
            ++records;
        long dropped = 0;
        if (batch.find("platform.logsDropped") != std::string_view::npos)
            for (const auto& event : nlohmann::json::parse(batch))
                if (event["type"] == "platform.logsDropped") dropped += event["record"]["droppedRecords"].get<long>();
        const std::lock_guard lock{mutex_};
        records_ += records;
        dropped_ += dropped;
        const auto written = std::filesystem::path{progress_}.concat(".new");
        std::ofstream{written} << records_ << ' ' << dropped_ << '\n';
        std::filesystem::rename(written, progress_);
    }

private:
    std::mutex mutex_; // the emulator may deliver on more than one connection
    std::filesystem::path progress_;
    long records_ = 0;
    long dropped_ = 0;
};

void receive_batches(tcp::socket socket, Totals& totals)
{
    boost::beast::flat_buffer buffer;
    std::string batch;
    BorrowedMessage<false> acknowledgement{http::status::ok, 11};
    for (boost::beast::error_code ec; !ec;) {
        read_message<true>(socket, buffer, batch, ec);
        if (ec) break;
        totals.count_batch(batch);
        write_message(socket, acknowledgement, {}, ec);
    }
}

void accept_forever(tcp::acceptor& acceptor, Totals& totals)
{
    for (boost::beast::error_code ec; !ec;) {
        tcp::socket socket{acceptor.get_executor()};
        acceptor.accept(socket, ec);
        if (!ec) std::thread{receive_batches, std::move(socket), std::ref(totals)}.detach();
    }
}

} // namespace

int main(int, char** argv)
{
    try {
        const char* progress = std::getenv("BENCH_SUBSCRIBER_PROGRESS");
        if (!progress) throw std::runtime_error{"BENCH_SUBSCRIBER_PROGRESS is not set"};
        Totals totals{progress};
        net::io_context io;
        tcp::acceptor acceptor{io, {net::ip::address_v4::loopback(), 0}};
        const auto port = std::to_string(acceptor.local_endpoint().port());
        std::thread{accept_forever, std::ref(acceptor), std::ref(totals)}.detach();

        ExtensionApiClient api;
        api.register_extension(std::filesystem::path{argv[0]}.filename().string(), R"(["SHUTDOWN"])");
        api.subscribe_telemetry(R"({"schemaVersion":"2022-12-13","types":["platform","function"],)"
                                R"("buffering":{"maxItems":10000,"maxBytes":1048576,"timeoutMs":25},)"
                                R"("destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:)" +
                                port + R"(/"}})");
        while (api.next_event().find(R"("SHUTDOWN")") == std::string::npos) {}
        std::fflush(nullptr);
        std::_Exit(0); // the receiving threads are still blocked on their sockets
    } catch (const std::exception& error) {
        std::fprintf(stderr, "minimal_subscriber: %s\n", error.what());
        return 1;
    }
}
