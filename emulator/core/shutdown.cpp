#include "shutdown.hpp"

#include <algorithm>
#include <csignal>

namespace lambda_emu::core {

const char* to_string(ShutdownReason reason)
{
    switch (reason) {
    case ShutdownReason::Spindown: return "spindown";
    case ShutdownReason::Timeout: return "timeout";
    case ShutdownReason::Failure: return "failure";
    }
    return "unknown";
}

const char* to_string(ProcessKind kind)
{
    return kind == ProcessKind::Runtime ? "runtime" : "extension";
}

const char* to_string(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Graceful: return "graceful";
    case Verdict::Killed: return "killed";
    case Verdict::Crashed: return "crashed";
    case Verdict::NotSignalled: return "not-signalled";
    }
    return "unknown";
}

std::optional<Verdict> parse_verdict(std::string_view word)
{
    for (const auto verdict : {Verdict::Graceful, Verdict::Killed, Verdict::Crashed, Verdict::NotSignalled})
        if (word == to_string(verdict)) return verdict;
    return std::nullopt;
}

ShutdownBudget shutdown_budget(int internal_extensions, int external_extensions, const ShutdownOverrides& overrides)
{
    ShutdownBudget budget;
    // docs/lambda-rules.md §4.4: none -> 0 ms and no SIGTERM; internal only -> 500 ms for the runtime;
    // at least one external -> 2000 ms phase, runtime share 300 ms (500 ms with an internal one).
    if (internal_extensions == 0 && external_extensions == 0) {
        budget.source = "Lambda: no extension registered";
    } else if (external_extensions == 0) {
        budget.send_sigterm = true;
        budget.runtime_share = Millis{500};
        budget.phase = Millis{500};
        budget.source = "Lambda: internal extensions only";
    } else {
        budget.send_sigterm = true;
        budget.runtime_share = Millis{internal_extensions > 0 ? 500 : 300};
        budget.phase = Millis{2000};
        budget.source =
            internal_extensions > 0 ? "Lambda: external and internal extensions" : "Lambda: external extensions";
    }
    if (overrides.runtime_grace && budget.send_sigterm) {
        budget.runtime_share = *overrides.runtime_grace;
        budget.source += "; runtime share from --runtime-grace";
    }
    if (overrides.shutdown_budget && budget.send_sigterm) {
        budget.phase = *overrides.shutdown_budget;
        budget.source += "; phase from --shutdown-budget";
    }
    budget.phase = std::max(budget.phase, budget.runtime_share);
    return budget;
}

Verdict verdict_of(const ProcessCleanup& process)
{
    if (process.exited_before_shutdown) return Verdict::Crashed; // its failure was the reason for the reset
    if (!process.exit_observed_at) return Verdict::Killed;       // killed again when the report was written
    if (process.killed_at_once) return Verdict::NotSignalled;
    if (process.sigkill_at) return Verdict::Killed;
    // Dying of the SIGTERM it was sent is obeying it; any other signal is a crash.
    if (process.exit_status && process.exit_status->signalled && process.exit_status->code != SIGTERM) {
        return Verdict::Crashed;
    }
    return Verdict::Graceful;
}

std::optional<double> headroom_ms(const ProcessCleanup& process)
{
    if (!process.deadline || !process.exit_observed_at || process.sigkill_at) return std::nullopt;
    return to_ms(*process.deadline - *process.exit_observed_at);
}

bool unclean_shutdown(const ProcessCleanup& process)
{
    return !process.exited_before_shutdown &&
           (process.verdict == Verdict::Killed || process.verdict == Verdict::Crashed);
}

std::optional<double> cleanup_duration_ms(const ProcessCleanup& process)
{
    if (!process.exit_observed_at) return std::nullopt;
    std::optional<SteadyTime> first_signal;
    for (const auto& t : {process.sigterm_at, process.shutdown_event_at, process.sigkill_at}) {
        if (t && (!first_signal || *t < *first_signal)) first_signal = t;
    }
    if (!first_signal) return std::nullopt;
    return to_ms(*process.exit_observed_at - *first_signal);
}

} // namespace lambda_emu::core
