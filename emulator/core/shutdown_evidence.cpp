// The Shutdown phase's evidence turned into facts and plain words: how much CPU a
// process used after it went quiet, which of its own connections were still open when it was
// killed, and what its kill therefore means.
#include "shutdown.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace lambda_emu::core {

const char* to_string(SocketKind kind)
{
    switch (kind) {
    case SocketKind::Tcp: return "tcp";
    case SocketKind::Tcp6: return "tcp6";
    case SocketKind::Unix: return "unix";
    }
    return "unknown";
}

const char* to_string(SocketPeer peer)
{
    switch (peer) {
    case SocketPeer::Function: return "function";
    case SocketPeer::RuntimeApi: return "runtime-api";
    case SocketPeer::ExtensionsApi: return "extensions-api";
    }
    return "unknown";
}

const char* to_string(ParkedCall call)
{
    switch (call) {
    case ParkedCall::None: return "";
    case ParkedCall::RuntimeNext: return "/next";
    case ParkedCall::ExtensionEventNext: return "/event/next";
    }
    return "";
}

bool OpenSocket::is_connection() const
{
    if (kind == SocketKind::Unix) return state == "CONNECTED" || state == "CONNECTING";
    return state != "LISTEN" && state != "CLOSE" && state != "TIME_WAIT";
}

std::string OpenSocket::describe() const
{
    if (kind == SocketKind::Unix)
        return "unix " + (local.empty() ? std::string{"(unnamed)"} : local) + " (" + state + ")";
    return (remote.empty() ? local : remote) + " (" + state + ")";
}

std::optional<double> cpu_in_phase_ms(const ProcessCleanup& process)
{
    const auto& evidence = process.evidence;
    if (!evidence.at_start || !evidence.at_end) return std::nullopt;
    // A member the emulator reaped (an orphan) takes its time with it: never below zero.
    return std::max(0.0, evidence.at_end->cpu_ms - evidence.at_start->cpu_ms);
}

std::optional<double> cpu_after_last_output_ms(const ShutdownReport& report, const ProcessCleanup& process)
{
    const auto& evidence = process.evidence;
    if (!evidence.at_end) return std::nullopt;
    std::optional<double> from;
    if (evidence.last_output && evidence.last_output->at >= report.started_at && evidence.last_output->cpu_ms) {
        from = evidence.last_output->cpu_ms;
    } else if (evidence.at_start) {
        from = evidence.at_start->cpu_ms;
    }
    if (!from) return std::nullopt;
    return std::max(0.0, evidence.at_end->cpu_ms - *from);
}

std::vector<OpenSocket> open_own_connections(const ProcessCleanup& process)
{
    std::vector<OpenSocket> open;
    if (!process.evidence.at_end) return open;
    for (const auto& socket : process.evidence.at_end->sockets) {
        if (socket.is_own_connection()) open.push_back(socket);
    }
    return open;
}

bool killed_while_idle(const ShutdownReport& report, const ProcessCleanup& process)
{
    if (process.verdict != Verdict::Killed || process.exited_before_shutdown || !process.sigkill_at) return false;
    const auto cpu_after = cpu_after_last_output_ms(report, process);
    return cpu_after && *cpu_after <= kIdleCpuMs && open_own_connections(process).empty() &&
           !process.evidence.at_end->asleep();
}

namespace {

// The report keeps times at 0.1 ms: rounded through that first, a diagnostic made from a saved
// report (`lambda-emu report`) says the same whole milliseconds as the live run's.
double tenth_ms(double value)
{
    return std::round(value * 10.0) / 10.0;
}

std::string ms_text(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.0f ms", std::round(tenth_ms(value)));
    return text;
}

// A moment as the report keeps it: its offset from the phase's start, at 0.1 ms.
double phase_ms(const ShutdownReport& report, SteadyTime at)
{
    return tenth_ms(to_ms(at - report.started_at));
}

// A line as it can be quoted in a sentence: control characters (a tab between fields) as spaces,
// at most 120 bytes.
std::string quoted(const std::string& line)
{
    std::string text = line.substr(0, 120);
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    if (line.size() > 120) text += "...";
    return "'" + text + "'";
}

std::string list_of(const std::vector<OpenSocket>& sockets)
{
    std::string text;
    for (const auto& socket : sockets) text += (text.empty() ? "" : ", ") + socket.describe();
    return text;
}

// Lambda's Python runtimes before 3.12: awslambdaric polls /next on the main thread there.
bool runtime_without_signal_handlers(const std::string& runtime)
{
    return runtime == "python3.10" || runtime == "python3.11" || runtime == "python3.9";
}

// Why a runtime whose cleanup had finished was still alive, and the way out, for the clients
// whose reason is known (docs/lambda-rules.md §4.4); nothing is claimed of the others.
std::string parked_runtime_hint(const std::string& runtime)
{
    if (runtime.starts_with("nodejs")) {
        const std::string way_out = runtime == "nodejs24.x" ? "accept the kill with --allow-kill=idle"
                                                            : "set AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1=true "
                                                              "(the client's JavaScript HTTP client, which lets it "
                                                              "exit) or accept the kill with --allow-kill=idle";
        return " (AWS's Node.js client keeps Node.js alive while its /next waits, so process.exit() cannot end it; " +
               way_out + "; Lambda kills it the same way).";
    }
    if (runtime.starts_with("java"))
        return " (the JVM ran its shutdown hooks, then waits about 300 ms for the client's thread in native code "
               "before "
               "it exits: longer than the share; accept the kill with --allow-kill=idle; Lambda kills it the same "
               "way).";
    return " (a runtime that is done should exit from its SIGTERM handler; Lambda kills it the same way).";
}

} // namespace

std::string killed_diagnostic(const ShutdownReport& report, const ProcessCleanup& process,
                              const std::string& runtime_id)
{
    const bool runtime = process.kind == ProcessKind::Runtime;
    const std::string who = runtime ? "The runtime" : "Extension " + process.name;
    const std::string without_evidence =
        runtime ? "The runtime did not exit within its " +
                      ms_text(static_cast<double>(report.budget.runtime_share.count())) +
                      " share after SIGTERM and was killed: its cleanup was cut short."
                : who + " was still running when the phase ended (" +
                      ms_text(static_cast<double>(report.budget.phase.count())) + ") and was killed.";
    const auto cpu_after = cpu_after_last_output_ms(report, process);
    if (!process.sigkill_at || !process.evidence.at_end || !cpu_after) return without_evidence;

    const std::string killed_at = "killed at " + ms_text(phase_ms(report, *process.sigkill_at));
    const auto own = open_own_connections(process);
    if (!own.empty()) {
        return who + " was " + killed_at + " with " + std::to_string(own.size()) + " connection" +
               (own.size() == 1 ? "" : "s") + " still open to " + list_of(own) + ": its cleanup was cut short.";
    }
    // Told: SIGTERM for the runtime, the SHUTDOWN event for an extension.
    const char* signal = runtime ? "SIGTERM" : "SHUTDOWN";
    const std::optional<SteadyTime> told = runtime ? process.sigterm_at : process.shutdown_event_at;
    const auto& last = process.evidence.last_output;
    std::string quiet;
    SteadyTime quiet_since = told.value_or(report.started_at);
    if (last && told && last->at >= *told) {
        quiet = "went quiet " + ms_text(phase_ms(report, last->at) - phase_ms(report, *told)) + " after " + signal +
                " (" + quoted(last->text) + ")";
        quiet_since = last->at;
    } else if (told && runtime && runtime_without_signal_handlers(runtime_id) &&
               process.evidence.parked_at_kill == ParkedCall::RuntimeNext) {
        return "The runtime printed nothing after SIGTERM and was " + killed_at +
               " with its /next request still open: its SIGTERM handler never ran, since for " + runtime_id +
               " AWS's client waits for /next on Python's main thread, in native code, where a signal handler cannot "
               "run (from python3.12 on it waits on another thread, and the handler runs; Lambda kills it the same "
               "way).";
    } else if (told) {
        quiet = std::string{"printed nothing after "} + signal;
    } else {
        quiet = "printed nothing in the phase";
    }
    const std::string span = ms_text(phase_ms(report, *process.sigkill_at) - phase_ms(report, quiet_since));
    if (process.evidence.at_end->asleep()) {
        return who + " " + quiet + " and was asleep (in the kernel's " + process.evidence.at_end->waiting_in +
               ") when it was " + killed_at + ": its cleanup, still waiting, was cut short.";
    }
    if (*cpu_after > kIdleCpuMs) {
        return who + " " + quiet + " but was still using CPU (" + ms_text(*cpu_after) + " in the " + span +
               " before it was " + killed_at + "): its cleanup was cut short.";
    }
    std::string text =
        who + " " + quiet + " and used " +
        (tenth_ms(*cpu_after) < 0.5 ? std::string{"no CPU"} : "almost no CPU (" + ms_text(*cpu_after) + ")") +
        " in the " + span + " after that; it was " + killed_at;
    const ParkedCall parked = process.evidence.parked_at_kill;
    if (parked != ParkedCall::None) text += std::string{" with its "} + to_string(parked) + " request still open";
    text += ": the cleanup code had finished, but the process did not exit";
    switch (parked) {
    case ParkedCall::RuntimeNext: text += parked_runtime_hint(runtime_id); break;
    case ParkedCall::ExtensionEventNext:
        text += " (it asked for another event after SHUTDOWN instead of exiting; Lambda kills it the same way).";
        break;
    case ParkedCall::None: text += " (Lambda kills it the same way)."; break;
    }
    return text;
}

std::optional<std::string> throttled_diagnostic(const ProcessCleanup& process, int memory_mb, double vcpus)
{
    const auto cpu = cpu_in_phase_ms(process);
    if (vcpus <= 0 || vcpus >= 1 || !cpu || *cpu < 1) return std::nullopt;
    const std::string who = process.kind == ProcessKind::Runtime ? "The runtime" : "Extension " + process.name;
    std::ostringstream share;
    share.precision(vcpus < 0.1 ? 3 : 2);
    share << std::fixed << vcpus;
    return who + " used " + ms_text(*cpu) + " of CPU in the phase; at " + std::to_string(memory_mb) +
           " MB Lambda gives " + share.str() + " vCPU, so that is about " + ms_text(*cpu / vcpus) +
           " on Lambda (and here: the environment ran with Lambda's CPU). More memory buys more CPU.";
}

} // namespace lambda_emu::core
