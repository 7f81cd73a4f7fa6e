#pragma once
// report/: what a run observed, and its renderings: log lines, the cleanup table, JSON, JUnit.
//
// Everything one `run` observed, kept for the JSON report and JUnit: Init attempts, invocations
// with their outcomes, every Shutdown phase with every process. Invocations are kept in a
// bounded form, so that a `serve` running for days stays flat in memory: a summary of every
// one, and the last kKeptInvocations of the whole run in full (see InvocationBudget).
#include "core/extension.hpp"
#include "core/function_config.hpp"
#include "core/invocation.hpp"
#include "core/shutdown.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::report {

struct ExtensionRecord {
    std::string name;
    core::ExtensionKind kind = core::ExtensionKind::External;
    bool invoke = false;
    bool shutdown = false;
};

// Output of the environment's processes around the freeze that followed an invocation: work that
// went on after it had ended, which on Lambda runs late (at the next thaw) or never.
struct LateOutput {
    // Lines that reached the emulator after the invocation ended and before the environment was
    // thawed again: printed before the freeze took hold (with --no-freeze: while it was idle).
    std::uint64_t after_end = 0;
    // Lines that reached it after the thaw and before the next event went out (or SIGTERM).
    std::uint64_t after_thaw = 0;
    std::string first_line; // the first of them, "[source] text", for the diagnostic
};

// A function error's message is kept for the reports' diagnostics, as an Init error's is.
inline constexpr std::size_t kMaxInvocationErrorMessage = core::kMaxInitErrorMessage;

struct InvocationRecord {
    std::string source; // the event's file, "stdin", "default"
    int attempt = 1;    // an asynchronous event's attempt: 1, then 2 and 3 for Lambda's retries
    core::InvocationReport report;
    std::optional<core::InvokeOutcome> outcome; // what the caller got
    std::string error_type;
    std::string error_message;             // the error body's errorMessage, at most kMaxInvocationErrorMessage bytes
    std::optional<LateOutput> late_output; // set once the environment went idle after it
};

// Over every invocation of an environment, kept in full or not.
struct InvocationSummary {
    std::uint64_t count = 0;
    std::map<std::string, std::uint64_t> by_outcome; // "success", "function-error", ...; "none": never answered
    double total_duration_ms = 0;
    double min_duration_ms = 0;
    double max_duration_ms = 0;

    void add(const InvocationRecord& invocation);
};

// Which runtime ran the function: its own bootstrap (Lambda's OS-only runtime), or a managed one.
struct RuntimeRecord {
    std::string id = "provided.al2023";      // Lambda's runtime identifier, or the OS-only runtime's
    std::string version = "provided:al2023"; // INIT_START's "Runtime Version"
    std::string executable;                  // the bootstrap, or the managed runtime's node
    std::string executable_version;          // managed: what the executable says of itself ("v20.20.2")
    std::string client;                      // managed: the runtime interface client ("aws-lambda-ric 3.3.0")
};

// Whether the function ran in the sandbox, and how (docs/sandbox.md).
struct SandboxRecord {
    bool enabled = false;
    std::string off_reason; // why not, when --sandbox auto found no user namespaces
    std::vector<std::string> layers;
    int ephemeral_storage_mb = 0;
    std::string memory_limit = "none"; // how --memory is enforced: "kernel" (a cgroup), "rss-sampling" or "none"
    // What held, when enabled: who the function was, inside and outside, and its walls.
    std::string user;           // "sbx_user1051 (uid 993, gid 990)"
    long outside_uid = -1;      // the function's uid on the host
    bool pid_namespace = false; // it saw and could signal only its own environment's processes
    bool mounts_locked = false; // no capability: nothing the sandbox mounted could be changed
    int process_limit = 0;      // RLIMIT_NPROC: processes and threads
    int open_file_limit = 0;    // RLIMIT_NOFILE
};

// How the environments got Lambda's numbers (docs/lambda-numbers.md).
struct ResourcesRecord {
    std::string method = "none"; // "cgroup-v1", "cgroup-v2", or "none" (no cgroup could be made)
    std::string fallback_reason; // why none
    std::string cpu = "host";    // "lambda": the quota below; "host": unthrottled
    double vcpus = 0;            // the quota in CPUs (memory / 1,769 MB), when cpu is "lambda"
    long cpu_quota_us = -1;      // per cpu_period_us; -1: none
    long cpu_period_us = 0;
    std::string memory_limit = "none"; // as SandboxRecord::memory_limit
    long tasks_limit = 0;              // the cgroup's pids limit; 0: none
};

// What --allow-kill lets pass: nothing (killed or crashed processes at shutdown fail the run),
// kills of idle processes only (`--allow-kill=idle`: core::killed_while_idle), or every kill
// and crash (`--allow-kill`).
enum class KillAllowance { None, Idle, Any };

// What the final Shutdown phase's verdicts do to the exit code: killed and crashed fail the run
// unless --allow-kill lets them pass; --fail-on adds the verdicts Lambda itself lets pass
// (cli/fail_on.hpp).
struct ExitPolicy {
    KillAllowance allow_kill = KillAllowance::None;
    bool fail_on_crashed = false;       // --fail-on crashed: a crash fails the run even under --allow-kill
    bool fail_on_not_signalled = false; // --fail-on not-signalled: a runtime Lambda kills without SIGTERM fails it
};

struct RunRecord {
    core::FunctionConfig function;
    RuntimeRecord runtime;
    std::string bootstrap;
    std::string runtime_api;
    std::vector<std::string> extension_paths;
    std::vector<ExtensionRecord> extensions; // as registered at the last successful Init
    std::vector<core::InitReport> inits;
    std::deque<InvocationRecord> invocations; // the most recent ones, oldest first
    std::uint64_t invocations_not_kept = 0;   // older ones let go (their summary stays)
    InvocationSummary invocation_summary;
    std::vector<core::ShutdownReport> shutdowns;
    ExitPolicy exit_policy;
    std::string freeze_method; // how processes were frozen between invocations; empty: --no-freeze
    SandboxRecord sandbox;
    ResourcesRecord resources;
    int exit_code = 0;
    std::string exit_reason; // why the exit code is what it is, as the run's last line says it
};

const char* to_string(core::InvokeOutcome outcome);

// How many invocations a run keeps in full, over all its environments.
inline constexpr std::size_t kKeptInvocations = 1000;

// Keeps a run's records of invocations within a fixed number: past it, each new one lets the
// oldest of the run go (whichever environment's it is; that environment counts it as not kept).
// Shared by the environments of one `serve`; the records must outlive it.
class InvocationBudget {
public:
    explicit InvocationBudget(std::size_t limit = kKeptInvocations) : limit_{limit} {}
    void add(RunRecord& record, InvocationRecord invocation);

private:
    std::size_t limit_;
    std::deque<RunRecord*> order_; // whose invocation each kept one is, oldest first
};

} // namespace lambda_emu::report
