#pragma once
// What the core asks of the world, and what it tells it. The core calls these; the host in
// emulator/ implements them with real processes and asio timers, and unit tests with fakes.
#include "clock.hpp"
#include "extension.hpp"
#include "invocation.hpp"
#include "shutdown.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace lambda_emu::core {

struct SpawnOutcome {
    bool started = false;
    int pid = 0;
    std::string error; // e.g. "fork/exec /x/bootstrap: no such file or directory"
};

class ProcessControl {
public:
    virtual ~ProcessControl() = default;
    virtual SpawnOutcome start_runtime() = 0;
    // SIGTERM to the runtime process only, as AWS does.
    virtual void terminate_runtime() = 0;
    // SIGKILL to the runtime's whole process group, so what it started dies with it.
    virtual void kill_runtime() = 0;
    // Peak memory since the runtime started, in MB rounded up: the whole environment's (runtime
    // and extensions) where the host has a memory cgroup, else the runtime's process tree's.
    // Lambda reports the most used across the invocations an environment served, not each one's.
    virtual int runtime_peak_memory_mb() = 0;
    // Processes still alive in the runtime's group after the runtime itself exited.
    virtual int runtime_group_survivors() = 0;

    // Starts every external extension, in parallel, before the runtime (docs/lambda-rules.md §2.5).
    virtual std::vector<LaunchedExtension> start_external_extensions() = 0;
    // SIGKILL to an external extension's whole process group.
    virtual void kill_extension(const std::string& name) = 0;

    // Looks again for what the runtime and the extensions started, so that a process that later
    // leaves its group or session is still known as theirs (before signals, after invocations).
    // Unless `now`, a look taken a moment ago is enough.
    virtual void track_descendants(bool now) = 0;
    // SIGKILL to every process the runtime and the extensions started that still runs once they
    // are gone; returns those no group kill had reached, for the report.
    virtual std::vector<EscapedProcess> kill_descendants() = 0;

    // Lambda freezes the environment between invocations: nothing the runtime or an extension
    // started runs until the next event or the Shutdown phase thaws it (docs/lambda-rules.md §4.5). The
    // core says when; the host may decline (--no-freeze). Neither call may block.
    virtual void freeze_environment() = 0;
    virtual void thaw_environment() = 0;

    // The Shutdown phase's deadlines kept to the microsecond whatever the host's event loop is
    // doing: SIGKILL to the process's group at `when`, sent by the host on its own. The core's
    // timer for the same deadline calls it off and learns when it was sent; so does the exit it
    // causes, if the host reports that first. A host that cannot arranges nothing: the core's
    // timer kills.
    virtual void arrange_kill(const ProcessIdentity&, SteadyTime /*when*/) {}
    // Calls the arranged kill off; returns when it was sent, if it was.
    virtual std::optional<SteadyTime> call_off_kill(const ProcessIdentity&) { return std::nullopt; }

    // Evidence for the Shutdown phase (by default none: a host that cannot look reports verdicts only).
    // A look at the runtime's or an extension's process tree: its CPU time and its sockets; null
    // when the process is gone, a zombie, or cannot be read. Unless `fresh`, sockets found
    // unchanged since the last look keep the rows (and states) read then.
    virtual std::optional<ProcessSample> look_at(const ProcessIdentity&, bool /*fresh*/) { return std::nullopt; }
    // Its last line of output so far, if any.
    virtual std::optional<OutputLine> last_output(const ProcessIdentity&) { return std::nullopt; }
    // From now on (or no longer), read each process's CPU time with each line it prints.
    virtual void time_output(bool /*on*/) {}
};

enum class TimerSlot {
    InitDeadline,        // the 10 s Init limit
    InvokeDeadline,      // the function timeout
    InitErrorGrace,      // after /init/error the runtime may exit by itself before the reset
    ExtensionErrorGrace, // likewise after an extension's init/error or exit/error
    RuntimeShare,        // SIGKILL for the runtime at the end of its shutdown share
    ExtensionsDeadline,  // SIGKILL for external extensions at the end of the Shutdown phase
    ShutdownGiveUp,      // never wait forever for an exit the kernel does not report
    EvidenceLook,        // the Shutdown phase's next look at the processes still running
};

class TimerService {
public:
    virtual ~TimerService() = default;
    virtual void arm(TimerSlot slot, SteadyTime when) = 0;
    virtual void cancel(TimerSlot slot) = 0;
};

class LifecycleObserver {
public:
    virtual ~LifecycleObserver() = default;
    virtual void init_started(InitPhase) {}
    // At the end of a successful Init: the EXTENSION lines.
    virtual void extensions_initialised(const std::vector<Extension>&) {}
    virtual void init_finished(const InitReport&) {}
    virtual void invocation_started(const Invocation&) {}
    virtual void runtime_exit_during_invocation(const std::string& /*request_id*/, const std::string& /*message*/) {}
    virtual void runtime_done(const RuntimeDoneReport&) {}
    virtual void invocation_finished(const InvocationReport&) {}
    // The environment is idle as Lambda counts it (the runtime on /next after its answer, every
    // INVOKE subscriber on /event/next) and frozen until it is thawed: for the next event, which
    // follows at once, or for the Shutdown phase, before any signal.
    virtual void environment_frozen() {}
    virtual void environment_thawed() {}
    virtual void shutdown_started(ShutdownReason, bool /*final*/) {}
    virtual void shutdown_finished(const ShutdownReport&) {}
};

using IdSource = std::function<std::string()>;

struct Ports {
    Clock& clock;
    ProcessControl& processes;
    TimerService& timers;
    LifecycleObserver& observer;
    IdSource new_request_id;
};

} // namespace lambda_emu::core
