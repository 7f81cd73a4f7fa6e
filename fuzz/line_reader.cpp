// A child's output, as any bytes: written into a real pipe and read by process::LineReader on the
// event loop, as ChildProcess::spawn wires it; each line then goes where EnvironmentHost sends
// it, to the Telemetry API's hub (listening, as during Init).
#include "targets.hpp"

#include "fake_ports.hpp"

#include "extensions-api/telemetry_hub.hpp"
#include "process/line_reader.hpp"

#include <boost/asio/connect_pipe.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>

namespace lambda_emu::fuzz {

std::vector<std::string> expected_lines(std::string_view input)
{
    std::vector<std::string> lines;
    for (;;) {
        const auto end = input.find('\n');
        if (end == std::string_view::npos) break;
        std::string_view line = input.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        input.remove_prefix(end + 1);
    }
    if (!input.empty()) lines.emplace_back(input);
    return lines;
}

std::vector<std::string> line_reader(std::string_view input)
{
    std::vector<std::string> lines;
    boost::asio::io_context io;
    testing::FakeClock clock;
    core::FunctionConfig function;
    function.name = "fn";
    extensions_api::TelemetryHub hub{io, clock, function, [](const std::string&) {}};
    hub.init_started(core::InitPhase::Init);

    boost::asio::readable_pipe read_end{io};
    boost::asio::writable_pipe write_end{io};
    boost::asio::connect_pipe(read_end, write_end);
    process::LineReader::start(std::move(read_end), [&](std::string_view line) {
        lines.emplace_back(line);
        hub.log_line(core::ProcessIdentity::runtime(), line);
    });
    // Pieces smaller than the pipe's buffer, each read off before the next: nothing blocks.
    constexpr std::size_t kPiece = 32 * 1024;
    for (std::size_t at = 0; at < input.size(); at += kPiece) {
        boost::asio::write(write_end, boost::asio::buffer(input.substr(at, kPiece)));
        while (io.poll() > 0) {}
    }
    write_end.close();
    io.run(); // until the reader has seen end of file
    return lines;
}

} // namespace lambda_emu::fuzz
