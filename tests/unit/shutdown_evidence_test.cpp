// The Shutdown phase's evidence: /proc's socket tables read right, and the pure
// functions that turn a process's evidence into --allow-kill=idle's verdict and plain words.
#include "core/shutdown.hpp"
#include "process/tree_evidence.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;
using core::Millis;

namespace {

const core::SteadyTime kStart{std::chrono::seconds{1000}};

core::ProcessSample sample_at(int ms, double cpu_ms, std::vector<core::OpenSocket> sockets = {})
{
    return core::ProcessSample{kStart + Millis{ms}, cpu_ms, std::move(sockets), {}};
}

core::OpenSocket open_tcp(std::string remote, std::string state, core::SocketPeer peer = core::SocketPeer::Function)
{
    core::OpenSocket socket;
    socket.kind = core::SocketKind::Tcp;
    socket.local = "127.0.0.1:40000";
    socket.remote = std::move(remote);
    socket.state = std::move(state);
    socket.peer = peer;
    return socket;
}

// A runtime given SIGTERM at the phase's start, killed at 300 ms, that printed "exiting" at 14 ms
// and was parked on /next.
struct KilledRuntime {
    core::ShutdownReport report;
    core::ProcessCleanup& runtime;

    KilledRuntime() : runtime{init()} {}
    core::ProcessCleanup& init()
    {
        report.started_at = kStart;
        report.budget = core::shutdown_budget(0, 1, {});
        core::ProcessCleanup process;
        process.kind = core::ProcessKind::Runtime;
        process.name = "runtime";
        process.sigterm_at = kStart;
        process.sigkill_at = kStart + Millis{300};
        process.exit_observed_at = kStart + Millis{302};
        process.verdict = core::Verdict::Killed;
        process.evidence.at_start =
            sample_at(0, 1200, {open_tcp("127.0.0.1:9001", "ESTABLISHED", core::SocketPeer::RuntimeApi)});
        process.evidence.last_output = core::OutputLine{kStart + Millis{14}, "[runtime] exiting", 1210.0};
        process.evidence.at_end =
            sample_at(300, 1210, {open_tcp("127.0.0.1:9001", "ESTABLISHED", core::SocketPeer::RuntimeApi)});
        process.evidence.parked_at_kill = core::ParkedCall::RuntimeNext;
        report.processes.push_back(std::move(process));
        return report.processes.back();
    }
};

} // namespace

TEST_CASE("rows of /proc/net/tcp, tcp6 and unix")
{
    core::OpenSocket socket;
    REQUIRE(process::parse_tcp_line("   3: 0100007F:A2C4 0100007F:1538 01 00000000:00000000 00:00000000 00000000     0"
                                    "        0 123456 1 0000000000000000 20 4 30 10 -1",
                                    false, socket));
    CHECK(socket.kind == core::SocketKind::Tcp);
    CHECK(socket.local == "127.0.0.1:41668");
    CHECK(socket.remote == "127.0.0.1:5432");
    CHECK(socket.state == "ESTABLISHED");
    CHECK(socket.inode == 123456);
    CHECK(socket.is_own_connection());
    CHECK_FALSE(process::parse_tcp_line("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
                                        "   uid  timeout inode",
                                        false, socket));

    REQUIRE(process::parse_tcp_line(
        "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A"
        " 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0",
        true, socket));
    CHECK(socket.local == "[::1]:8080");
    CHECK(socket.state == "LISTEN");
    CHECK_FALSE(socket.is_connection());

    REQUIRE(
        process::parse_unix_line("0000000000000000: 00000002 00000000 00010000 0001 01 4242 /run/my db.sock", socket));
    CHECK(socket.kind == core::SocketKind::Unix);
    CHECK(socket.state == "LISTEN");
    CHECK(socket.local == "/run/my db.sock");
    REQUIRE(process::parse_unix_line("0000000000000000: 00000003 00000000 00000000 0001 03 4243", socket));
    CHECK(socket.state == "CONNECTED");
    CHECK(socket.local.empty());
    CHECK(socket.is_own_connection());
    CHECK_FALSE(process::parse_unix_line("Num       RefCount Protocol Flags    Type St Inode Path", socket));
}

TEST_CASE("idle at the kill: almost no CPU after the last output, no connection of its own")
{
    KilledRuntime killed;
    auto& runtime = killed.runtime;
    CHECK(core::cpu_in_phase_ms(runtime) == doctest::Approx(10));
    CHECK(core::cpu_after_last_output_ms(killed.report, runtime) == doctest::Approx(0));
    CHECK(core::killed_while_idle(killed.report, runtime)); // its Runtime API connection does not count

    SUBCASE("CPU after the last output beyond two clock ticks is not idle")
    {
        runtime.evidence.at_end->cpu_ms = 1240;
        CHECK(core::cpu_after_last_output_ms(killed.report, runtime) == doctest::Approx(30));
        CHECK_FALSE(core::killed_while_idle(killed.report, runtime));
    }
    SUBCASE("an open connection of its own is not idle")
    {
        runtime.evidence.at_end->sockets.push_back(open_tcp("127.0.0.1:5432", "ESTABLISHED"));
        CHECK_FALSE(core::killed_while_idle(killed.report, runtime));
    }
    SUBCASE("a listening socket is not a connection")
    {
        runtime.evidence.at_end->sockets.push_back(open_tcp("0.0.0.0:0", "LISTEN"));
        CHECK(core::killed_while_idle(killed.report, runtime));
    }
    SUBCASE("nothing printed in the phase: CPU counts from the phase's start")
    {
        runtime.evidence.last_output = core::OutputLine{kStart - Millis{500}, "ready", std::nullopt};
        CHECK(core::cpu_after_last_output_ms(killed.report, runtime) == doctest::Approx(10));
        CHECK(core::killed_while_idle(killed.report, runtime));
    }
    SUBCASE("no look before the kill: no evidence, not idle")
    {
        runtime.evidence.at_end.reset();
        CHECK_FALSE(core::cpu_after_last_output_ms(killed.report, runtime));
        CHECK_FALSE(core::killed_while_idle(killed.report, runtime));
    }
    SUBCASE("only kills are idle kills")
    {
        runtime.verdict = core::Verdict::Graceful;
        runtime.sigkill_at.reset();
        CHECK_FALSE(core::killed_while_idle(killed.report, runtime));
    }
}

TEST_CASE("what a kill means, in plain words")
{
    KilledRuntime killed;
    auto& runtime = killed.runtime;
    CHECK(core::killed_diagnostic(killed.report, runtime) ==
          "The runtime went quiet 14 ms after SIGTERM ('[runtime] exiting') and used no CPU in the 286 ms after that; "
          "it was killed at 300 ms with its /next request still open: the cleanup code had finished, but the process "
          "did not exit (a runtime that is done should exit from its SIGTERM handler; Lambda kills it the same way).");
    // Where the client's reason is known, the note says it and names the way out.
    CHECK(core::killed_diagnostic(killed.report, runtime, "nodejs20.x")
              .ends_with("(AWS's Node.js client keeps Node.js alive while its /next waits, so process.exit() cannot "
                         "end it; set AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1=true (the client's JavaScript HTTP "
                         "client, which lets it exit) or accept the kill with --allow-kill=idle; Lambda kills it the "
                         "same way)."));
    CHECK(core::killed_diagnostic(killed.report, runtime, "nodejs24.x")
              .ends_with("cannot end it; accept the kill with --allow-kill=idle; Lambda kills it the same way)."));
    CHECK(core::killed_diagnostic(killed.report, runtime, "java21").find("shutdown hooks") != std::string::npos);
    CHECK(core::killed_diagnostic(killed.report, runtime, "provided.al2023").find("process.exit") == std::string::npos);
    // Python before 3.12: the handler never ran, and the note says why rather than "the cleanup had finished".
    auto silent = runtime;
    silent.evidence.last_output.reset();
    CHECK(core::killed_diagnostic(killed.report, silent, "python3.11") ==
          "The runtime printed nothing after SIGTERM and was killed at 300 ms with its /next request still open: its "
          "SIGTERM handler never ran, since for python3.11 AWS's client waits for /next on Python's main thread, in "
          "native code, where a signal handler cannot run (from python3.12 on it waits on another thread, and the "
          "handler runs; Lambda kills it the same way).");

    runtime.evidence.at_end->sockets.push_back(open_tcp("127.0.0.1:5432", "ESTABLISHED"));
    CHECK(core::killed_diagnostic(killed.report, runtime) ==
          "The runtime was killed at 300 ms with 1 connection still open to 127.0.0.1:5432 (ESTABLISHED): its cleanup "
          "was cut short.");

    runtime.evidence.at_end->sockets.pop_back();
    runtime.evidence.at_end->cpu_ms = 1400;
    CHECK(core::killed_diagnostic(killed.report, runtime) ==
          "The runtime went quiet 14 ms after SIGTERM ('[runtime] exiting') but was still using CPU (190 ms in the "
          "286 ms before it was killed at 300 ms): its cleanup was cut short.");

    runtime.evidence = {};
    CHECK(core::killed_diagnostic(killed.report, runtime) ==
          "The runtime did not exit within its 300 ms share after SIGTERM and was killed: its cleanup was cut short.");
}

TEST_CASE("asleep in a sleep call at the kill: a cleanup still waiting, not idle")
{
    KilledRuntime killed;
    auto& runtime = killed.runtime;
    runtime.evidence.at_end->waiting_in = "hrtimer_nanosleep";
    CHECK_FALSE(core::killed_while_idle(killed.report, runtime));
    CHECK(core::killed_diagnostic(killed.report, runtime) ==
          "The runtime went quiet 14 ms after SIGTERM ('[runtime] exiting') and was asleep (in the kernel's "
          "hrtimer_nanosleep) when it was killed at 300 ms: its cleanup, still waiting, was cut short.");
    runtime.evidence.at_end->waiting_in = "ep_poll"; // an event loop's wait looks like any idle wait
    CHECK(core::killed_while_idle(killed.report, runtime));
}
