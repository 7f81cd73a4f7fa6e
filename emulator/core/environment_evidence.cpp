// The Shutdown phase's evidence (shutdown_evidence.hpp): the environment looks at each
// process's tree as the phase begins (before any signal), every kEvidenceSamplePeriod while it
// runs, kTablesReadBeforeDeadline before its deadline, and just before its SIGKILL, when it also
// notes the poll the process still had parked.
// The last look before a process exits by itself stands for "at its exit": the exit closes its
// sockets before the emulator can see it. Periodic looks read the socket tables again only when
// the tree's set of sockets changed (process/tree_evidence.hpp).
#include "environment.hpp"

namespace lambda_emu::core {

ProcessEvidence Environment::first_look(const ProcessIdentity& who)
{
    ProcessEvidence evidence;
    evidence.at_start = ports_.processes.look_at(who, true);
    evidence.at_end = evidence.at_start;
    return evidence;
}

void Environment::look_again()
{
    auto* progress = shutdown_in_progress();
    if (!progress) return;
    const SteadyTime looked_at = now();
    std::optional<SteadyTime> next_look;
    const auto look_by = [&](SteadyTime time) { next_look = next_look ? std::min(*next_look, time) : time; };
    for (auto& process : progress->report.processes) {
        if (!process.awaiting_exit() || process.sigkill_at) continue;
        // At or past its deadline the host's kill may have been sent already: a look now would
        // see the dying process, not its cleanup.
        if (process.deadline && looked_at >= *process.deadline) continue;
        const bool deadline_near = process.deadline && *process.deadline - looked_at <= kTablesReadBeforeDeadline;
        auto sample = ports_.processes.look_at(process, deadline_near);
        // A look begun just before the deadline may end after the host's kill, and have seen the
        // process dying (no longer asleep in its cleanup): the look before it stands.
        if (sample && !(process.deadline && now() >= *process.deadline)) process.evidence.at_end = std::move(sample);
        look_by(looked_at + kEvidenceSamplePeriod);
        if (process.deadline && !deadline_near) look_by(*process.deadline - kTablesReadBeforeDeadline);
    }
    if (next_look) ports_.timers.arm(TimerSlot::EvidenceLook, *next_look);
}

void Environment::look_before_kill(ProcessCleanup& process)
{
    // The look the kill is judged on, and it delays the SIGKILL by its own duration: the socket
    // tables were read kTablesReadBeforeDeadline ago and are read again only if the set of
    // sockets changed since (a sub-millisecond look otherwise).
    if (auto sample = ports_.processes.look_at(process, false)) {
        process.evidence.at_end = std::move(sample);
    }
    note_parked_call(process);
}

void Environment::note_parked_call(ProcessCleanup& process)
{
    if (process.kind == ProcessKind::Runtime) {
        if (!parked_next_.empty()) process.evidence.parked_at_kill = ParkedCall::RuntimeNext;
    } else if (const Extension* extension = find_external(process.name); extension && extension->parked) {
        process.evidence.parked_at_kill = ParkedCall::ExtensionEventNext;
    }
}

void Environment::collect_last_outputs(ShutdownReport& report)
{
    for (auto& process : report.processes) {
        if (process.exited_before_shutdown) continue;
        process.evidence.last_output = ports_.processes.last_output(process);
    }
}

} // namespace lambda_emu::core
