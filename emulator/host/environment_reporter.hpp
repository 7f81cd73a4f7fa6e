#pragma once
// What one environment tells people and remembers: Lambda's log lines and the lifecycle on the
// console (labelled when several environments share it), the run record for the reports, the
// facts the exit code is made of, and the last 4 KB of each invocation's log from START to REPORT
// (for `X-Amz-Log-Type: Tail`).
#include "line_source.hpp"
#include "core/clock.hpp"
#include "core/ports.hpp"
#include "extensions-api/telemetry_records.hpp"
#include "report/console.hpp"
#include "report/process_lines.hpp"
#include "report/repeated_init_output.hpp"
#include "report/run_record.hpp"

#include <optional>
#include <unordered_map>
#include <vector>
#include <algorithm>
#include <string>
#include <string_view>

namespace lambda_emu {

// What of an environment's run shows in the emulator's exit code (cli/exit_codes.hpp).
struct ExitFacts {
    bool function_error = false;
    bool timeout_or_crash = false;
    bool init_failure = false;
    bool unclean_shutdown = false;
    // A crash, or a kill of a process that was not idle (--allow-kill=idle lets only these pass).
    bool unclean_shutdown_not_idle = false;
    // A crash in the final Shutdown phase (--fail-on crashed keeps it failing under --allow-kill).
    bool shutdown_crash = false;
    // The runtime got no SIGTERM, as no extension registered (fails the run only with --fail-on
    // not-signalled: Lambda does the same).
    bool not_signalled = false;
    // What first made each fact true, in words for the run's last line ("invocation 2f1c...:
    // Runtime.ExitError"); empty while it is false.
    std::string function_error_why;
    std::string timeout_or_crash_why;
    std::string init_failure_why;
    std::string unclean_shutdown_why;
    std::string unclean_shutdown_not_idle_why;
    std::string shutdown_crash_why;
    std::string not_signalled_why;   // "runtime was not signalled"
    std::string not_signalled_cause; // "no extension registered, so Lambda kills it without SIGTERM"
};

class EnvironmentReporter final : public core::LifecycleObserver {
public:
    // `label`: empty for a single environment, else e.g. "#2", added to every line's source.
    // With the function's log format JSON, Lambda's own lines are JSON objects, not text.
    // `budget`: the run's bound on invocations kept in full, shared by its environments (null:
    // this environment's own, of report::kKeptInvocations).
    EnvironmentReporter(report::Console& console, const core::Clock& clock, report::RunRecord record, std::string label,
                        report::InvocationBudget* budget = nullptr);

    void set_runtime_api(std::string runtime_api) { record_.runtime_api = std::move(runtime_api); }
    // Keep the last 4 KB of each invocation's log (serve's X-Amz-Log-Result, which is Lambda's
    // last 4 KB); off by default.
    static constexpr std::size_t kInvocationLogTail = 4096;
    void capture_invocation_logs() { capture_logs_ = true; }
    // The captured tail of the invocation that finished last, START to REPORT: for an observer
    // after this reporter in the fan-out, from its own invocation_finished.
    std::string invocation_log() const
    {
        const std::size_t keep = std::min(invocation_log_.size(), kInvocationLogTail);
        return invocation_log_.substr(invocation_log_.size() - keep);
    }
    // An invocation's caller got its answer; `source` names the event, `attempt` which of an
    // asynchronous event's attempts it was (1 for any other).
    void record_result(const core::InvokeResult& result, std::string source, int attempt = 1);
    // A line of the runtime's or an extension's output, or the platform's own (no process).
    void process_line(const LineSource& source, std::string_view line);

    const report::RunRecord& record() const { return record_; }
    const ExitFacts& facts() const { return facts_; }

    void init_started(core::InitPhase phase) override;
    void extensions_initialised(const std::vector<core::Extension>& extensions) override;
    void init_finished(const core::InitReport& report) override;
    void invocation_started(const core::Invocation& invocation) override;
    void runtime_exit_during_invocation(const std::string& request_id, const std::string& message) override;
    void invocation_finished(const core::InvocationReport& report) override;
    void environment_frozen() override;
    void environment_thawed() override;
    void shutdown_started(core::ShutdownReason reason, bool final) override;
    void shutdown_finished(const core::ShutdownReport& report) override;

private:
    // Where the environment stands around the freeze after an invocation, for its late output.
    enum class IdleWindow {
        None,      // an Init, an invocation or a Shutdown phase runs; or idle after an Init
        AfterEnd,  // the invocation ended, the environment is frozen (or, --no-freeze, idle)
        AfterThaw, // thawed; the next event or SIGTERM has not gone out yet
    };
    // The record of the invocation the window follows, while it is still kept in full.
    report::LateOutput* late_output();
    void close_idle_window();

    void platform(const std::string& line); // Lambda's own line: printed, and part of the invocation's log
    // Lambda's own line in the format chosen: the text, or the same event as JSON.
    void platform_event(const std::string& text, const char* type, extensions_api::records::Json record);
    void lifecycle(const std::string& line);
    void capture(std::string_view line); // into the invocation's log tail, while capturing

    report::Console& console_;
    const core::Clock& clock_;
    report::RunRecord record_;
    report::InvocationBudget own_budget_;
    report::InvocationBudget& budget_;
    bool json_log_format_;
    std::string label_;
    ExitFacts facts_;
    struct Answer {
        core::InvokeOutcome outcome;
        std::string error_type;
        std::string error_message;
        std::string source;
        int attempt = 1;
    };
    std::unordered_map<std::string, Answer> answers_; // by request id, until the invocation ends
    // The tail and what came before it, trimmed to the tail when it grows past a few tails: lines
    // are appended whole (a byte ring would take them a byte at a time, on every line of a burst).
    std::string invocation_log_;
    bool capturing_ = false;
    bool capture_logs_ = false;
    IdleWindow idle_window_ = IdleWindow::None;
    std::string last_ended_; // request id of the invocation that ended last, normally
    // The processes' last lines, for each Shutdown phase's record. Lines read after a phase
    // ended (a crashed process's pipe can be read after its exit was seen) still go to its
    // record, until the next Init starts new processes.
    report::RecentLines recent_lines_;
    std::optional<std::size_t> late_lines_to_; // index in record_.shutdowns
    // A serve that resets for days keeps every phase's record; the lines only of the latest ones.
    static constexpr std::size_t kShutdownsWithLines = 100;
    void add_late_line(const core::ProcessIdentity& who, std::string_view line);
    // The runtime's output of a retried Init, shown only where it differs from the failed one's.
    report::RepeatedInitOutput repeated_init_output_;
    bool last_init_failed_ = false;
    void echo(const core::ProcessIdentity& who, std::string_view line); // a process's line on the console
    void echo_runtime(const std::vector<std::string>& lines);
};

} // namespace lambda_emu
