#pragma once
// The Shutdown phase's rules and its record: who was signalled when, who exited when, and the
// verdict for each process (docs/lambda-rules.md §4.4).
#include "clock.hpp"
#include "exit_status.hpp"
#include "process_identity.hpp"
#include "shutdown_evidence.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::core {

enum class ShutdownReason { Spindown, Timeout, Failure };
// Lower-case, as RAPID sends `shutdownReason` on the wire.
const char* to_string(ShutdownReason reason);

// Budgets the user forced from the command line, to test margins.
struct ShutdownOverrides {
    std::optional<Millis> runtime_grace;   // --runtime-grace
    std::optional<Millis> shutdown_budget; // --shutdown-budget
};

// What Lambda grants for one Shutdown phase, from what registered.
struct ShutdownBudget {
    bool send_sigterm = false; // Lambda sends no SIGTERM when no extension registered
    Millis runtime_share{0};   // SIGTERM to SIGKILL for the runtime
    Millis phase{0};           // the whole phase; external extensions are killed at its end
    std::string source;        // where the numbers came from, for the report
};

ShutdownBudget shutdown_budget(int internal_extensions, int external_extensions, const ShutdownOverrides& overrides);

enum class Verdict {
    Graceful,     // exited before its deadline
    Killed,       // still alive at its deadline: SIGKILL
    Crashed,      // died of another signal, or failed before the shutdown began
    NotSignalled, // no extension registered: AWS sends no SIGTERM, only SIGKILL
};
const char* to_string(Verdict verdict);
// The verdict a report word names ("graceful", "killed", ...), from the same words as to_string.
std::optional<Verdict> parse_verdict(std::string_view word);

// One process's Shutdown phase: who it is (its identity: kind and name), then what happened to it.
struct ProcessCleanup : ProcessIdentity {
    int pid = 0;
    std::optional<SteadyTime> sigterm_at;
    std::optional<SteadyTime> shutdown_event_at;
    std::optional<SteadyTime> sigkill_at;
    std::optional<SteadyTime> exit_observed_at;
    std::optional<SteadyTime> deadline;
    std::optional<ExitStatus> exit_status;
    bool exited_before_shutdown = false;
    bool subscribed_to_shutdown = false; // external extensions only
    // Lambda's rules owed it no notice (no SIGTERM, no SHUTDOWN): SIGKILL as soon as its turn came.
    bool killed_at_once = false;
    Verdict verdict = Verdict::Graceful; // verdict_of(*this), once the record is complete
    ProcessEvidence evidence;            // what it was doing when signalled, and when killed or gone

    bool awaiting_exit() const { return !exit_observed_at && !exited_before_shutdown; }
    const ProcessIdentity& identity() const { return *this; }
};

// The verdict on a process whose record is complete: from when it was signalled and how it
// exited, or that its exit was never observed.
Verdict verdict_of(const ProcessCleanup& process);

// A process the runtime or an extension started that was still running once they were gone: it
// had left their process group (or session), or was left behind by an extension that exited.
// The emulator killed it.
struct EscapedProcess {
    int pid = 0;
    std::string command; // the kernel's short name (comm), e.g. "sleep"
};

struct ShutdownReport {
    ShutdownReason reason = ShutdownReason::Spindown;
    bool final = false; // a spin-down for good, not a reset before the next invocation
    SteadyTime started_at{};
    SteadyTime ended_at{};
    ShutdownBudget budget;
    int internal_extensions = 0;
    int external_extensions = 0;
    std::vector<ProcessCleanup> processes;
    std::vector<EscapedProcess> escaped_processes;
    std::vector<std::string> diagnostics; // plain words for the surprises
};

// Milliseconds from the phase's start, for the report's columns.
inline std::optional<double> offset_ms(const ShutdownReport& report, const std::optional<SteadyTime>& t)
{
    if (!t) return std::nullopt;
    return to_ms(*t - report.started_at);
}

// When the process was told to shut down: SIGTERM for the runtime, the SHUTDOWN event for an
// external extension (it gets no SIGTERM). Null when it was not (killed at once, or gone before).
inline const std::optional<SteadyTime>& told_at(const ProcessCleanup& process)
{
    return process.is_runtime() ? process.sigterm_at : process.shutdown_event_at;
}

// Headroom: how much of its deadline a process left, from its observed exit to its deadline.
// Only for a process that exited by itself (no SIGKILL); negative when it exited after the deadline
// without being killed. The one rule every rendering (table, timeline, JSON, HTML) shows.
std::optional<double> headroom_ms(const ProcessCleanup& process);

// An unclean shutdown: a process that took part in the phase and was killed or crashed. It fails
// the run (unless --allow-kill lets it pass), is a JUnit failure and is shown first, in bold, in
// the summary. A process gone before the phase began is the Init's or the invocation's failure.
bool unclean_shutdown(const ProcessCleanup& process);

// Cleanup duration: from the first signal (SIGTERM, SHUTDOWN or SIGKILL) to the observed exit.
std::optional<double> cleanup_duration_ms(const ProcessCleanup& process);

// --- Evidence (shutdown_evidence.cpp) ---

// CPU time the process tree used from the phase's start to the last look (null without both).
std::optional<double> cpu_in_phase_ms(const ProcessCleanup& process);
// CPU time used after its last output: from the line's own reading when it printed during the
// phase, else from the phase's start. Null without a last look.
std::optional<double> cpu_after_last_output_ms(const ShutdownReport& report, const ProcessCleanup& process);
// The function's own connections (not the emulator's APIs) still open at the last look.
std::vector<OpenSocket> open_own_connections(const ProcessCleanup& process);
// `--allow-kill=idle`: a process Lambda killed after its work was done. Killed (not crashed)
// during the phase, read just before its SIGKILL, using at most kIdleCpuMs of CPU after its
// last output, holding no open connection of its own (its Runtime or Extensions API
// connection, the poll it is parked on, does not count), and not asleep in a sleep call (a
// cleanup that waits on a timer). A cleanup that waits otherwise without a connection (on an
// event loop's timer, say) looks the same from /proc and counts as idle.
bool killed_while_idle(const ShutdownReport& report, const ProcessCleanup& process);
// What a kill means, in plain words, from the evidence: a cleanup that had finished in a process
// that did not exit (idle, perhaps blocked on a parked poll), or a cleanup cut short (a
// connection still open, or still using CPU). Without evidence, the verdict alone.
// `runtime`: Lambda's runtime identifier, for the way out the note names where it knows one.
std::string killed_diagnostic(const ShutdownReport& report, const ProcessCleanup& process,
                              const std::string& runtime = "provided.al2023");
// For a process killed while it ran with less than one CPU (`vcpus`, Lambda's for `memory_mb`):
// what its CPU in the phase cost in time at that size. Null when it ran unthrottled or used none.
std::optional<std::string> throttled_diagnostic(const ProcessCleanup& process, int memory_mb, double vcpus);

} // namespace lambda_emu::core
