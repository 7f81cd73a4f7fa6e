#pragma once
// host/: one execution environment's wiring (its host, serve's pool of them, what each reports).
// The owner of one execution environment: its core state machine, its Runtime API listener, its
// runtime process and its timers. It turns the core's requested effects into processes and
// asio timers, and process exits and timer expiries back into core events.
#include "line_source.hpp"
#include "core/environment.hpp"
#include "core/observer_fanout.hpp"
#include "extensions-api/telemetry_hub.hpp"
#include "core/runtime_environment.hpp"
#include "http/listener_ports.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "ids.hpp"
#include "last_outputs.hpp"
#include "process/child_process.hpp"
#include "process/child_reaper.hpp"
#include "process/deadline_kill.hpp"
#include "process/environment_cgroup.hpp"
#include "process/freezer.hpp"
#include "process/memory_guard.hpp"
#include "process/sandbox.hpp"
#include "sandbox_settings.hpp"
#include "process/tree_evidence.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

namespace lambda_emu {

struct HostOptions {
    core::FunctionConfig function;
    core::ShutdownOverrides overrides;
    std::filesystem::path bootstrap;
    std::vector<std::string> bootstrap_arguments;
    std::filesystem::path task_root;
    std::vector<std::filesystem::path> extensions; // external extension executables
    core::Variables customer_variables;
    core::Variables passed_through;
    core::Variables managed_runtime; // --runtime: what that runtime adds for itself (cli/managed_runtimes)
    // --runtime: its interpreter's installation when it lies outside the system's folders
    // (~/.pyenv/versions/3.11.7), which the sandbox shows read-only where it is; empty: none.
    std::filesystem::path runtime_installation;
    std::string path;
    unsigned short port = 0;
    // `run`: the only environment, so every orphan the emulator adopts is this one's.
    bool claims_every_orphan = false;
    // Freeze the processes between invocations, as Lambda does (--no-freeze: leave them running).
    bool freeze = true;
    // -d PORT: a debugger listens in the runtime; the core then never freezes the environment and
    // lifts the Init and invocation timeouts (core/debug_mode.hpp).
    core::DebugMode debug = core::DebugMode::Off;
    // Null: no sandbox (--sandbox off, or a kernel without user namespaces).
    std::shared_ptr<const SandboxSettings> sandbox;
    // Where the environment's cgroup is made (its CPU is function.vcpus, its memory function.memory_mb);
    // none: no cgroup can be made here, and the SIGSTOP freeze and RSS sampling stand in.
    std::optional<process::CgroupSite> cgroup_site;
};

// Where children's output lines go, with whose they are; and the platform's own lines that are not
// lifecycle events, such as TELEMETRY (from kPlatformLine).
using ProcessLineSink = std::function<void(const LineSource& source, std::string_view line)>;

class EnvironmentHost final : private core::ProcessControl, private core::TimerService {
public:
    // Listens on 127.0.0.1 (an ephemeral port unless options.port), and adds that port to
    // `listeners` for as long as it lives; makes the environment's sandbox when the options ask
    // for one; null with `error` on failure. `observers` hear the lifecycle in their order, then
    // the Telemetry API's subscribers.
    static std::unique_ptr<EnvironmentHost> create(boost::asio::io_context& io, process::ChildReaper& reaper,
                                                   core::Clock& clock, IdGenerator& ids, http::ListenerPorts& listeners,
                                                   HostOptions options, std::vector<core::LifecycleObserver*> observers,
                                                   ProcessLineSink lines, std::string& error);
    ~EnvironmentHost() override;

    core::Environment& environment() { return environment_; }
    unsigned short port() const { return server_->port(); }
    const std::string& runtime_api() const { return runtime_api_; }

private:
    EnvironmentHost(boost::asio::io_context& io, process::ChildReaper& reaper, core::Clock& clock, IdGenerator& ids,
                    http::ListenerPorts& listeners, HostOptions options,
                    std::vector<core::LifecycleObserver*> observers, ProcessLineSink lines);

    // core::ProcessControl
    core::SpawnOutcome start_runtime() override;
    void terminate_runtime() override;
    void kill_runtime() override;
    int runtime_peak_memory_mb() override;
    void arrange_kill(const core::ProcessIdentity& who, core::SteadyTime when) override;
    std::optional<core::SteadyTime> call_off_kill(const core::ProcessIdentity& who) override;
    int runtime_group_survivors() override;
    std::vector<core::LaunchedExtension> start_external_extensions() override;
    void kill_extension(const std::string& name) override;
    void track_descendants(bool now) override;
    std::vector<core::EscapedProcess> kill_descendants() override;
    void freeze_environment() override;
    void thaw_environment() override;
    std::optional<core::ProcessSample> look_at(const core::ProcessIdentity& who, bool fresh) override;
    // The process the core names, if it is still running: its pid, the group it leads.
    pid_t pid_of(const core::ProcessIdentity& who) const;
    std::optional<core::OutputLine> last_output(const core::ProcessIdentity& who) override;
    void time_output(bool on) override;
    // core::TimerService
    void arm(core::TimerSlot slot, core::SteadyTime when) override;
    void cancel(core::TimerSlot slot) override;

    struct Timer {
        explicit Timer(boost::asio::io_context& io) : timer{io} {}
        boost::asio::steady_timer timer;
        std::uint64_t generation = 0; // a handler from an older arming must not fire the slot
    };

    boost::asio::io_context& io_;
    process::ChildReaper& reaper_;
    const core::Clock& clock_;
    IdGenerator& ids_;
    http::ListenerPorts& listeners_;
    HostOptions options_;
    ProcessLineSink lines_;
    std::string runtime_api_;
    std::vector<std::string> runtime_environment_;
    std::vector<std::string> extension_environment_;
    // One per core::TimerSlot, made on its first arming: no count to keep in step with the enum.
    std::map<core::TimerSlot, Timer> timers_;
    std::unique_ptr<process::ChildProcess> runtime_;
    bool runtime_alive_ = false;
    std::map<std::string, std::unique_ptr<process::ChildProcess>> extensions_; // by name
    std::size_t extension_generation_ = 0; // exits of an earlier Init's extensions are not news
    int last_peak_memory_mb_ = 0;
    process::DescendantTracker::FamilyId family_ = 0; // this environment's processes, all generations
    std::set<pid_t> killed_groups_;                   // SIGKILLed since the last Shutdown phase ended
    process::Freezer freezer_;
    std::unique_ptr<process::Sandbox> sandbox_;          // null without one
    std::unique_ptr<process::MemoryGuard> memory_guard_; // the memory size as a limit, in the sandbox without a cgroup
    bool out_of_memory_ = false; // the environment passed its memory size since the runtime started
    // The environment's cgroup (null without one): its limits, its freeze, its memory.
    std::unique_ptr<process::EnvironmentCgroup> cgroup_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> oom_notice_;
    std::uint64_t oom_kills_seen_ = 0;
    // The Shutdown phase's kills at their deadlines, by process.
    std::map<core::ProcessIdentity, std::unique_ptr<process::DeadlineKill>> arranged_kills_;

    // The runtime's executable and working directory as the runtime sees them.
    // A spawn refused for permissions, in the sandbox: one line saying whose they are.
    void explain_permission_denied(const std::string& spawn_error);
    std::filesystem::path runtime_executable() const;
    // A colon-separated list of host paths (or one path) as the sandbox shows them.
    std::string inside_paths(const std::string& paths) const;
    std::filesystem::path working_directory() const;
    void runtime_exceeded_memory(long resident_kb);
    // The kernel's OOM killer acted in the environment's cgroup.
    void await_out_of_memory();
    bool killed_for_memory(const core::ExitStatus& status);
    // New OOM kills in the cgroup since the last look: noted, said, true.
    bool note_oom_kills();
    void environment_out_of_memory();

    http::Router router_;
    std::unique_ptr<http::Server> server_;
    // Shared: line readers of processes that outlive this host may still hand it lines.
    std::shared_ptr<extensions_api::TelemetryHub> telemetry_;
    std::shared_ptr<LastOutputs> last_outputs_;                // likewise
    std::map<core::ProcessIdentity, process::TreeLook> looks_; // the last look at each process

    core::ObserverFanout observers_;
    core::Environment environment_;
};

} // namespace lambda_emu
