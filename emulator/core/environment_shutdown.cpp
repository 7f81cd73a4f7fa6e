// The Shutdown phase of an environment (docs/lambda-rules.md §4.4):
// the runtime first (SIGTERM only when an extension registered, SIGKILL at the end of its
// share), then SHUTDOWN to the subscribed external extensions, SIGKILL to the rest, and SIGKILL
// to whatever is left when the phase ends. Every step is recorded for the cleanup report.
#include "environment.hpp"

#include <algorithm>
#include <map>

namespace lambda_emu::core {

namespace {

// Past the phase's budget, how long to wait for the kernel to report the exits of SIGKILLed
// processes before the report is written anyway (a process stuck in the D state).
constexpr Millis kExitReportSlack{2000};

std::string ms_text(Millis value)
{
    return std::to_string(value.count()) + " ms";
}

} // namespace

// An invocation the shutdown cuts short: as the runtime answered it, if it did (the answer went
// out; only its next /next was missing), else a failure.
Environment::ClosedInvocation Environment::close_interrupted_invocation(std::string request_id)
{
    if (const auto* answer = invocations_.find(request_id)->runtime_answer()) {
        return close_invocation(request_id, answer->status, answer->error_type);
    }
    return close_invocation(request_id, InvokeStatus::Failure, "Emulator.Interrupted");
}

std::vector<Environment::ClosedInvocation> Environment::close_every_invocation_interrupted()
{
    std::vector<ClosedInvocation> closed;
    for (const auto& id : invocations_.request_ids()) closed.push_back(close_interrupted_invocation(id));
    return closed;
}

void Environment::shutdown(ShutdownReason reason)
{
    if (spinning_down_for_good()) return;
    switch (phase()) {
    case Phase::Shutdown: { // a reset is under way: it becomes the last shutdown
        shutdown_in_progress()->final = true;
        for (auto& closed : close_every_invocation_interrupted()) interrupt_invocation(std::move(closed));
        return;
    }
    case Phase::Uninitialized: {
        state_ = environment_state::Done{};
        auto held = close_every_invocation_interrupted();
        ShutdownReport empty; // nothing ran, so nothing to stop
        empty.final = true;
        empty.started_at = empty.ended_at = now();
        empty.budget = shutdown_budget(0, 0, overrides_);
        ports_.observer.shutdown_finished(empty);
        for (auto& closed : held) interrupt_invocation(std::move(closed));
        return;
    }
    case Phase::Init:
    case Phase::Idle:
    case Phase::Invoke: {
        auto in_flight = close_every_invocation_interrupted();
        begin_shutdown(reason, true);
        for (auto& closed : in_flight) interrupt_invocation(std::move(closed));
        return;
    }
    case Phase::Done: return;
    }
}

void Environment::kill_now()
{
    if (!is<environment_state::Shutdown>()) shutdown();
    auto* progress = shutdown_in_progress();
    if (!progress) return;
    for (auto& process : progress->report.processes) {
        if (!process.awaiting_exit() || process.sigkill_at) continue;
        kill_at_deadline(process);
    }
}

void Environment::kill_at_deadline(ProcessCleanup& process)
{
    // If the host sent it at the deadline already, the last look before it (kTablesReadBeforeDeadline
    // ahead) is the evidence, and the kill below only makes sure the whole group is counted.
    take_arranged_kill(process);
    if (!process.sigkill_at) {
        look_before_kill(process);
        // The time the signal is sent, read before sending it: on a busy machine the dying process
        // may take the CPU from the emulator before kill() even returns.
        process.sigkill_at = now();
    }
    if (process.kind == ProcessKind::Runtime) ports_.processes.kill_runtime();
    else ports_.processes.kill_extension(process.name);
}

void Environment::take_arranged_kill(ProcessCleanup& process)
{
    if (process.sigkill_at) return;
    if (const auto sent = ports_.processes.call_off_kill(process)) {
        note_parked_call(process);
        process.sigkill_at = *sent;
    }
}

ProcessCleanup* Environment::shutdown_entry(const ProcessIdentity& who)
{
    auto* progress = shutdown_in_progress();
    if (!progress) return nullptr;
    for (auto& process : progress->report.processes) {
        if (process.identity() == who) return &process;
    }
    return nullptr;
}

void Environment::begin_shutdown(ShutdownReason reason, bool final)
{
    // A frozen process could neither take SIGTERM or SHUTDOWN nor clean up.
    thaw();
    ports_.processes.track_descendants(true); // before any signal breaks a line of descent
    // The record is filled in place: the runtime and the extensions are signalled from it.
    auto& progress = state_.emplace<environment_state::Shutdown>().shutdown;
    progress.final = final;
    for (auto slot : {TimerSlot::InitDeadline, TimerSlot::InvokeDeadline, TimerSlot::InitErrorGrace,
                      TimerSlot::ExtensionErrorGrace}) {
        ports_.timers.cancel(slot);
    }
    int internal_extensions = 0;
    int external_extensions = 0;
    for (const auto& extension : extensions_) {
        if (!extension.registered()) continue;
        (extension.kind == ExtensionKind::Internal ? internal_extensions : external_extensions)++;
    }
    const ShutdownBudget budget = shutdown_budget(internal_extensions, external_extensions, overrides_);
    // The first looks at the processes (the evidence's baseline) come before the phase's clock
    // starts: reading /proc takes time, and it must come out of nobody's share. Not for a
    // runtime that gets SIGKILL at once (no extension registered): Lambda does not wait, and
    // there is no cleanup to judge.
    ports_.processes.time_output(true);
    ProcessEvidence runtime_evidence;
    if (runtime_pid_ != 0 && runtime_ != RuntimeState::Exited && budget.send_sigterm) {
        runtime_evidence = first_look(ProcessIdentity::runtime());
    }
    std::map<std::string, ProcessEvidence> extension_evidence;
    for (const auto& extension : extensions_) {
        if (extension.kind == ExtensionKind::External && extension.alive) {
            extension_evidence[extension.name] = first_look(ProcessIdentity::extension(extension.name));
        }
    }
    const SteadyTime started = now();
    auto& report = progress.report;
    report.reason = reason;
    report.started_at = started;
    report.internal_extensions = internal_extensions;
    report.external_extensions = external_extensions;
    report.budget = budget;

    if (runtime_pid_ != 0) {
        ProcessCleanup runtime;
        runtime.evidence = std::move(runtime_evidence);
        runtime.name = "runtime";
        runtime.kind = ProcessKind::Runtime;
        runtime.pid = runtime_pid_;
        if (runtime_ == RuntimeState::Exited) {
            // It died before the shutdown (the reason for this reset); kill what it left behind.
            runtime.exited_before_shutdown = true;
            runtime.exit_status = runtime_exit_;
            ports_.processes.kill_runtime();
        } else if (report.budget.send_sigterm) {
            // SIGTERM to the runtime process only, as AWS does; SIGKILL to its group at the deadline.
            ports_.processes.terminate_runtime();
            runtime.sigterm_at = started;
            runtime.deadline = started + report.budget.runtime_share;
            ports_.timers.arm(TimerSlot::RuntimeShare, *runtime.deadline);
            ports_.processes.arrange_kill(runtime, *runtime.deadline);
        } else {
            // No extension registered: AWS sends SIGKILL at once, no SIGTERM (docs/lambda-rules.md §4.4).
            ports_.processes.kill_runtime();
            runtime.sigkill_at = started;
            runtime.deadline = started;
            runtime.killed_at_once = true;
        }
        report.processes.push_back(std::move(runtime));
    }
    for (const auto& extension : extensions_) {
        if (extension.kind != ExtensionKind::External) continue;
        ProcessCleanup process;
        process.name = extension.name;
        process.kind = ProcessKind::ExternalExtension;
        process.pid = extension.pid;
        process.subscribed_to_shutdown = extension.wants_shutdown;
        if (const auto found = extension_evidence.find(extension.name); found != extension_evidence.end()) {
            process.evidence = std::move(found->second);
        }
        if (!extension.alive) {
            process.exited_before_shutdown = true;
            process.exit_status = extension.exit_status;
        }
        report.processes.push_back(std::move(process));
    }
    ports_.observer.shutdown_started(reason, final);
    ports_.timers.arm(TimerSlot::ShutdownGiveUp, started + report.budget.phase + kExitReportSlack);
    ports_.timers.arm(TimerSlot::EvidenceLook, now() + kEvidenceSamplePeriod);

    const auto* runtime = shutdown_entry(ProcessIdentity::runtime());
    if (!runtime || !runtime->awaiting_exit()) tell_extensions_to_shut_down();
    complete_shutdown_if_everyone_exited();
}

// Once the runtime is gone: SHUTDOWN to the subscribed external extensions, with the end of
// the whole phase as deadlineMs; SIGKILL at once to those that did not subscribe.
void Environment::tell_extensions_to_shut_down()
{
    auto* progress = shutdown_in_progress();
    if (!progress || progress->extensions_told) return;
    progress->extensions_told = true;
    const auto& report = progress->report;
    const SteadyTime phase_end = report.started_at + report.budget.phase;
    bool anyone_waits = false;
    for (auto& extension : extensions_) {
        auto* process = shutdown_entry(ProcessIdentity::extension(extension.name));
        if (!process || !process->awaiting_exit()) continue;
        const bool can_receive = extension.registered() && extension.wants_shutdown &&
                                 extension.state != ExtensionState::InitError &&
                                 extension.state != ExtensionState::ExitError;
        if (!can_receive) {
            process->deadline = now();
            kill_at_deadline(*process);
            process->killed_at_once = true;
            continue;
        }
        ExtensionEvent event;
        event.type = ExtensionEvent::Type::Shutdown;
        event.deadline_ms = ports_.clock.epoch_ms(phase_end);
        event.shutdown_reason = to_string(report.reason);
        process->deadline = phase_end;
        ports_.processes.arrange_kill(*process, phase_end);
        extension.state = ExtensionState::ShutDown;
        deliver_to_extension(extension, std::move(event));
        anyone_waits = true;
    }
    if (anyone_waits) ports_.timers.arm(TimerSlot::ExtensionsDeadline, phase_end);
}

void Environment::record_runtime_exit_in_shutdown(ExitStatus status)
{
    auto* runtime = shutdown_entry(ProcessIdentity::runtime());
    if (!runtime || !runtime->awaiting_exit()) return;
    runtime->exit_observed_at = now();
    runtime->exit_status = status;
    ports_.timers.cancel(TimerSlot::RuntimeShare);
    take_arranged_kill(*runtime); // its exit may be the host's kill at the deadline, reported first
    if (!runtime->sigkill_at) {
        // The runtime process is gone but its group may not be: a shell bootstrap that did not
        // `exec` leaves the real runtime behind, and that one never saw SIGTERM.
        if (const int survivors = ports_.processes.runtime_group_survivors(); survivors > 0) {
            shutdown_in_progress()->report.diagnostics.push_back(
                "The runtime process (pid " + std::to_string(runtime->pid) + ") exited, but " +
                std::to_string(survivors) +
                " process(es) it started were still running: a shell bootstrap that does not `exec` its runtime? "
                "SIGTERM reached only the shell, so the real runtime never saw it. They were killed with the group.");
            ports_.processes.kill_runtime();
        }
    }
    tell_extensions_to_shut_down();
    complete_shutdown_if_everyone_exited();
}

void Environment::record_extension_exit_in_shutdown(const Extension& extension)
{
    auto* process = shutdown_entry(ProcessIdentity::extension(extension.name));
    if (!process || !process->awaiting_exit()) return;
    process->exit_observed_at = now();
    process->exit_status = extension.exit_status;
    take_arranged_kill(*process);
    complete_shutdown_if_everyone_exited();
}

void Environment::complete_shutdown_if_everyone_exited()
{
    auto* progress = shutdown_in_progress();
    if (!progress) return;
    const auto& processes = progress->report.processes;
    if (std::any_of(processes.begin(), processes.end(), [](const ProcessCleanup& p) { return p.awaiting_exit(); }))
        return;
    complete_shutdown();
}

void Environment::complete_shutdown()
{
    for (auto slot :
         {TimerSlot::RuntimeShare, TimerSlot::ExtensionsDeadline, TimerSlot::ShutdownGiveUp, TimerSlot::EvidenceLook}) {
        ports_.timers.cancel(slot);
    }
    for (auto& process : shutdown_in_progress()->report.processes) take_arranged_kill(process);
    ShutdownInProgress finished = std::move(*shutdown_in_progress());
    ShutdownReport& report = finished.report;
    report.final = finished.final;
    report.ended_at = now();
    collect_last_outputs(report);
    ports_.processes.time_output(false);
    auto& notes = report.diagnostics;
    for (auto& process : report.processes) {
        process.verdict = verdict_of(process);
        const std::string who = process.kind == ProcessKind::Runtime ? "The runtime" : "Extension " + process.name;
        if (process.awaiting_exit()) {
            // The kernel never reported the exit: kill again and write the report anyway.
            if (process.kind == ProcessKind::Runtime) ports_.processes.kill_runtime();
            else ports_.processes.kill_extension(process.name);
            notes.push_back(who + "'s exit was not observed " + ms_text(kExitReportSlack) +
                            " after the phase's end; the report was written without it.");
            continue;
        }
        if (process.exited_before_shutdown) continue;
        if (process.verdict == Verdict::NotSignalled) {
            notes.push_back(process.kind == ProcessKind::Runtime
                                ? "No extension registered, so Lambda sends no SIGTERM: the runtime was stopped with "
                                  "SIGKILL at once and no cleanup code ran. Register an extension (even an internal "
                                  "one with no events) to receive SIGTERM."
                                : who + " did not subscribe to SHUTDOWN, so Lambda killed it at once.");
        } else if (process.verdict == Verdict::Killed) {
            // What the kill means, from what the process was doing (shutdown_evidence.cpp).
            notes.push_back(killed_diagnostic(report, process, config_.runtime));
            if (auto throttled = throttled_diagnostic(process, config_.memory_mb, config_.vcpus))
                notes.push_back(std::move(*throttled));
        }
        if (process.kind == ProcessKind::ExternalExtension && process.subscribed_to_shutdown &&
            !process.shutdown_event_at && process.deadline) {
            notes.push_back(who + " never called /extension/event/next after the runtime was gone, so it never "
                                  "received its SHUTDOWN event.");
        }
    }
    report.escaped_processes = ports_.processes.kill_descendants();
    runtime_ = RuntimeState::NotStarted;
    runtime_pid_ = 0;
    parked_next_.clear();
    extensions_.clear();
    if (report.final) state_ = environment_state::Done{};
    else state_ = environment_state::Uninitialized{};
    ports_.observer.shutdown_finished(report);
    // An invocation that arrived during the reset runs now, behind a suppressed Init.
    if (is<environment_state::Uninitialized>()) start_held_invocations();
}

} // namespace lambda_emu::core
