#include "commands.hpp"

#include "command_steps.hpp"
#include "core/clock.hpp"
#include "exit_codes.hpp"
#include "host/ids.hpp"
#include "interrupts.hpp"
#include "invoke/event_source.hpp"
#include "process/child_reaper.hpp"
#include "report/console.hpp"

#include <boost/asio/post.hpp>
#include "run_session.hpp"

#include <boost/asio/io_context.hpp>

#include <iostream>

namespace lambda_emu {

int run_command(const RunOptions& options)
{
    report::Console console;
    use_colour(console, options.function.colour);
    auto prepared = prepare_function(options.function, console);
    if (!prepared.error.empty()) return refuse(console, prepared.error_exit_code, prepared.error);
    auto loaded = invoke::load_events(options.events, std::cin);
    if (!loaded.error.empty()) return refuse(console, exit_codes::kUsage, loaded.error);
    HostOptions& host_options = prepared.host;
    host_options.claims_every_orphan = true;

    become_subreaper(console);
    boost::asio::io_context io;
    const auto console_on_loop = console.join_event_loop(io);
    process::ChildReaper reaper{io};
    core::SystemClock clock;
    IdGenerator ids;
    RunSession session{
        io, console, clock, ids, std::move(loaded.events), std::move(prepared.record), std::move(prepared.reports)};
    std::string start_error;
    http::ListenerPorts listeners;
    auto host = EnvironmentHost::create(
        io, reaper, clock, ids, listeners, std::move(host_options), session.observers(),
        [&session](const LineSource& source, std::string_view line) { session.process_line(source, line); },
        start_error);
    if (!host) return refuse(console, exit_codes::kEmulatorError, start_error);
    session.attach(*host);
    console.lifecycle("Runtime API listening on " + host->runtime_api() + " for function " +
                      host->environment().config().name);

    Interrupts interrupts{io, console, session, "shutting down"};

    session.start();
    io.run();
    hold_late_interrupts();
    console.flush_lines();
    return session.exit_code();
}

} // namespace lambda_emu
