#include "run_command.hpp"

#include "core/clock.hpp"
#include "exit_codes.hpp"
#include "host/ids.hpp"
#include "interrupts.hpp"
#include "invoke/event_source.hpp"
#include "process/child_reaper.hpp"
#include "report/console.hpp"
#include "run_session.hpp"

#include <boost/asio/io_context.hpp>

#include <iostream>

namespace lambda_emu {

int run_command(const RunOptions& options)
{
    report::Console console;
    auto fail = [&console](int code, const std::string& message) {
        console.lifecycle("error: " + message);
        return code;
    };

    auto prepared = prepare_function(options.function, console);
    if (!prepared.error.empty()) return fail(exit_codes::kUsage, prepared.error);
    auto loaded = invoke::load_events(options.events, std::cin);
    if (!loaded.error.empty()) return fail(exit_codes::kUsage, loaded.error);
    HostOptions& host_options = prepared.host;
    host_options.claims_every_orphan = true;

    boost::asio::io_context io;
    process::ChildReaper reaper{io};
    if (!reaper.subreaper_error().empty()) console.lifecycle(reaper.subreaper_error());
    core::SystemClock clock;
    IdGenerator ids;
    report::RunRecord record;
    record.function = host_options.function;
    record.bootstrap = host_options.bootstrap.string();
    for (const auto& extension : host_options.extensions) record.extension_paths.push_back(extension.string());
    record.allow_kill = options.function.allow_kill;
    const auto& function = options.function;
    RunSession session{io,     console, clock, ids, std::move(loaded.events), std::move(record),
                       RunSession::Outputs{function.report_path, function.junit_path, function.allow_kill}};
    std::string listen_error;
    http::ListenerPorts listeners;
    auto host = EnvironmentHost::create(io, reaper, clock, ids, listeners, std::move(host_options), session.observers(),
                                        [&session](std::string_view source, std::string_view line) {
                                            session.process_line(source, line);
                                        },
                                        listen_error);
    if (!host) return fail(exit_codes::kEmulatorError, "cannot listen on " + listen_error);
    session.attach(*host);
    console.lifecycle("Runtime API listening on " + host->runtime_api() + " for function " +
                      host->environment().config().name);

    Interrupts interrupts{io, [&session](int signal) { session.interrupt(signal); }};

    session.start();
    io.run();
    return session.exit_code();
}

} // namespace lambda_emu
