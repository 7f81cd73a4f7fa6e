#include "environment_host.hpp"

#include "extensions-api/extensions_api.hpp"
#include "runtime-api/runtime_api.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace lambda_emu {

namespace {

std::string utc_date()
{
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    ::gmtime_r(&now, &parts);
    char text[16];
    std::strftime(text, sizeof text, "%Y/%m/%d", &parts);
    return text;
}

// The owner's observers first, in their order (a reporter before whoever asks it for what it
// recorded), then `last`.
std::vector<core::LifecycleObserver*> followed_by(std::vector<core::LifecycleObserver*> observers,
                                                  core::LifecycleObserver* last)
{
    observers.push_back(last);
    return observers;
}

// A managed runtime's client folder (its LAMBDA_RUNTIME_DIR), which the sandbox must show.
std::vector<std::filesystem::path> managed_runtime_folders(const HostOptions& options)
{
    std::vector<std::filesystem::path> folders;
    for (const auto& [name, value] : options.managed_runtime) {
        if (name == "LAMBDA_RUNTIME_DIR") folders.emplace_back(value);
    }
    return folders;
}

int mb_rounded_up(long kb)
{
    return static_cast<int>((kb + 1023) / 1024);
}

} // namespace

std::unique_ptr<EnvironmentHost> EnvironmentHost::create(boost::asio::io_context& io, process::ChildReaper& reaper,
                                                         core::Clock& clock, IdGenerator& ids,
                                                         http::ListenerPorts& listeners, HostOptions options,
                                                         std::vector<core::LifecycleObserver*> observers,
                                                         ProcessLineSink lines, std::string& error)
{
    std::unique_ptr<EnvironmentHost> host{new EnvironmentHost{io, reaper, clock, ids, listeners, std::move(options),
                                                              std::move(observers), std::move(lines)}};
    http::Server::Options listen;
    listen.port = host->options_.port;
    host->server_ = http::Server::listen(io, host->router_, listen, error);
    if (!host->server_) {
        error = "cannot listen on " + error;
        return nullptr;
    }
    listeners.add(host->server_->port());

    if (const auto& sandbox = host->options_.sandbox) {
        process::SandboxLayout layout;
        layout.task_root = host->options_.task_root;
        layout.staged_opt = sandbox->layers->path();
        layout.ephemeral_storage_mb = sandbox->ephemeral_storage_mb;
        layout.shm_size_mb = host->options_.function.memory_mb;
        if (!host->options_.runtime_installation.empty())
            layout.installations.push_back(host->options_.runtime_installation);
        std::vector<std::filesystem::path> executables = host->options_.extensions;
        executables.push_back(host->options_.bootstrap);
        host->sandbox_ =
            process::Sandbox::create(std::move(layout), executables, managed_runtime_folders(host->options_), error);
        if (!host->sandbox_) return nullptr;
    }
    if (const auto& site = host->options_.cgroup_site) {
        // Made before any process of the environment starts: each joins it before it can fork.
        process::CgroupLimits limits;
        limits.memory_mb = host->options_.function.memory_mb;
        limits.cpus = host->options_.function.vcpus;
        const std::string name =
            "lambda-emu-" + std::to_string(::getpid()) + "-" + std::to_string(host->server_->port());
        host->cgroup_ = process::EnvironmentCgroup::create(*site, name, limits, error);
        if (!host->cgroup_) return nullptr;
        host->oom_kills_seen_ = host->cgroup_->oom_kills();
        // Without a notice (no descriptor left), an OOM kill is still seen in the exit it causes.
        if (const int notice = host->cgroup_->oom_notice_fd(); notice >= 0) {
            if (const int copy = ::fcntl(notice, F_DUPFD_CLOEXEC, 0); copy >= 0) {
                host->oom_notice_ = std::make_unique<boost::asio::posix::stream_descriptor>(io, copy);
                host->await_out_of_memory();
            }
        }
    }
    if (const auto& sandbox = host->options_.sandbox; sandbox && !host->cgroup_) {
        if (sandbox->memory_limit == process::MemoryLimitMethod::RssSampling) {
            host->memory_guard_ = std::make_unique<process::MemoryGuard>(
                io, static_cast<long>(host->options_.function.memory_mb) * 1024,
                [raw = host.get()](long resident_kb) { raw->runtime_exceeded_memory(resident_kb); });
        }
    }

    host->runtime_api_ = "127.0.0.1:" + std::to_string(host->server_->port());
    // Every process of this environment inherits this variable, unless it clears its environment.
    host->family_ = reaper.descendants().add_family("AWS_LAMBDA_RUNTIME_API=" + host->runtime_api_,
                                                    host->options_.claims_every_orphan);
    if (host->sandbox_) reaper.descendants().add_environment_init(host->family_, host->sandbox_->init_pid());
    core::RuntimeEnvironmentInputs inputs;
    inputs.runtime_api = host->runtime_api_;
    // Inside the sandbox the code is where Lambda keeps it (docs/lambda-rules.md §5.1).
    inputs.task_root = host->sandbox_ ? "/var/task" : host->options_.task_root.string();
    inputs.log_stream_name = core::log_stream_name(host->options_.function.version, utc_date(), ids.hex(32));
    inputs.path = host->options_.path;
    inputs.passed_through = host->options_.passed_through;
    inputs.customer = host->options_.customer_variables;
    // Extensions never see what a managed runtime's bootstrap exports for itself (NODE_PATH).
    host->extension_environment_ =
        core::extension_environment(core::runtime_environment(host->options_.function, inputs));
    inputs.managed_runtime = host->options_.managed_runtime;
    if (host->sandbox_) {
        // The client's paths as the runtime sees them (LAMBDA_RUNTIME_DIR, NODE_PATH's parts).
        for (auto& [name, value] : inputs.managed_runtime) value = host->inside_paths(value);
    }
    host->runtime_environment_ = core::runtime_environment(host->options_.function, inputs);
    return host;
}

EnvironmentHost::EnvironmentHost(boost::asio::io_context& io, process::ChildReaper& reaper, core::Clock& clock,
                                 IdGenerator& ids, http::ListenerPorts& listeners, HostOptions options,
                                 std::vector<core::LifecycleObserver*> observers, ProcessLineSink lines)
    : io_{io}, reaper_{reaper}, clock_{clock}, ids_{ids}, listeners_{listeners}, options_{std::move(options)},
      lines_{std::move(lines)}, telemetry_{std::make_shared<extensions_api::TelemetryHub>(
                                    io, clock, options_.function,
                                    [lines = lines_](const std::string& line) { lines(kPlatformLine, line); })},
      last_outputs_{std::make_shared<LastOutputs>(io, clock)}, observers_{followed_by(std::move(observers),
                                                                                      telemetry_.get())},
      environment_{options_.function, options_.overrides, options_.debug,
                   core::Ports{clock, *this, *this, observers_, [&ids] { return ids.uuid(); }}}
{
    runtime_api::add_routes(router_, environment_);
    extensions_api::add_routes(router_, environment_);
    extensions_api::add_telemetry_routes(router_, environment_, *telemetry_, listeners_);
    // Every line also goes to the Telemetry and Logs APIs' subscribers.
    lines_ = [lines = lines_, telemetry = telemetry_, outputs = last_outputs_](const LineSource& source,
                                                                               std::string_view line) {
        lines(source, line);
        if (!source) return;
        telemetry->log_line(*source, line);
        outputs->line(*source, line);
    };
}

EnvironmentHost::~EnvironmentHost()
{
    if (server_) listeners_.remove(server_->port());
    arranged_kills_.clear(); // called off, their threads joined
    for (auto& [slot, timer] : timers_) timer.timer.cancel();
    if (oom_notice_) oom_notice_->close();
    if (runtime_) {
        reaper_.forget(runtime_->pid());
        if (runtime_alive_) runtime_->kill_group();
    }
    for (auto& [name, extension] : extensions_) {
        reaper_.forget(extension->pid());
        extension->kill_group();
    }
    if (family_ != 0) {
        reaper_.descendants().kill_family(family_);
        reaper_.descendants().remove_family(family_);
    }
    cgroup_.reset(); // kills whatever is left in it, then removes it
}

std::string EnvironmentHost::inside_paths(const std::string& paths) const
{
    std::string inside;
    std::size_t begin = 0;
    for (;;) {
        const auto end = paths.find(':', begin);
        const std::string part = paths.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        inside += part.empty() || part.front() != '/' ? part : sandbox_->inside_path(part).string();
        if (end == std::string::npos) return inside;
        inside += ':';
        begin = end + 1;
    }
}

core::SpawnOutcome EnvironmentHost::start_runtime()
{
    process::SpawnSpec spec;
    spec.executable = runtime_executable();
    spec.arguments = options_.bootstrap_arguments;
    if (sandbox_) {
        // A managed runtime's client, its classpath, a JVM property's path (-Dname=/path).
        for (auto& argument : spec.arguments) {
            const auto equals = argument.find('=');
            if (argument.starts_with("-") && equals != std::string::npos)
                argument = argument.substr(0, equals + 1) + inside_paths(argument.substr(equals + 1));
            else argument = inside_paths(argument);
        }
    }
    spec.environment = runtime_environment_;
    spec.working_directory = working_directory();
    if (sandbox_) spec.sandbox = sandbox_->entry();
    if (cgroup_) spec.join_cgroup = cgroup_->join_descriptors();
    // By value: a survivor may still write after this host is gone.
    auto line_sink = [lines = lines_, who = LineSource{core::ProcessIdentity::runtime()}](std::string_view line) {
        lines(who, line);
    };
    auto spawned = process::ChildProcess::spawn(io_, spec, line_sink, line_sink);
    if (!spawned.child) {
        explain_permission_denied(spawned.error);
        return {false, 0, spawned.error};
    }

    if (runtime_) reaper_.forget(runtime_->pid());
    runtime_ = std::move(spawned.child);
    runtime_alive_ = true;
    last_peak_memory_mb_ = 0;
    // Max Memory Used counts from the runtime's start: across the invocations it serves, as
    // Lambda reports it, not across a reset (what the killed runtime held is gone).
    if (cgroup_) cgroup_->reset_peak();
    const pid_t pid = runtime_->pid();
    last_outputs_->started(core::ProcessIdentity::runtime(), pid);
    looks_.erase(core::ProcessIdentity::runtime());
    reaper_.descendants().add_root(family_, pid);
    out_of_memory_ = false;
    if (memory_guard_) memory_guard_->watch(pid);
    reaper_.watch(pid, [this, pid](core::ExitStatus status) {
        if (!runtime_ || runtime_->pid() != pid) return;
        runtime_alive_ = false;
        if (memory_guard_) memory_guard_->stop();
        if (killed_for_memory(status)) status.killed_for = core::KilledFor::MemoryLimit;
        environment_.on_runtime_exited(status);
    });
    return {true, pid, {}};
}

void EnvironmentHost::terminate_runtime()
{
    if (!runtime_ || !runtime_alive_) return;
    // Thawed a moment ago (the Shutdown phase thaws first): see signal_after_thaw.
    if (options_.freeze) process::signal_after_thaw(runtime_->pid(), SIGTERM);
    else runtime_->terminate();
}

void EnvironmentHost::kill_runtime()
{
    // Also after the runtime itself exited: its group may hold what it started.
    if (!runtime_) return;
    runtime_->kill_group();
    killed_groups_.insert(runtime_->pid());
}

void EnvironmentHost::explain_permission_denied(const std::string& spawn_error)
{
    if (!sandbox_ || spawn_error.find("permission denied") == std::string::npos) return;
    lines_(kPlatformLine, "[lambda-emu] in the sandbox the function runs as sbx_user1051, not as you, as on Lambda: "
                          "its files must be readable by everyone and its executables and folders executable "
                          "(chmod -R o+rX, and o+x on executables)");
}

std::filesystem::path EnvironmentHost::runtime_executable() const
{
    if (!sandbox_) return options_.bootstrap;
    // Lambda looks for the bootstrap in /var/task, then in /opt (docs/lambda-rules.md §5.1).
    std::error_code ec;
    if (!std::filesystem::exists(options_.bootstrap, ec) &&
        std::filesystem::exists(options_.sandbox->layers->path() / "bootstrap", ec))
        return "/opt/bootstrap";
    return sandbox_->inside_path(options_.bootstrap);
}

std::filesystem::path EnvironmentHost::working_directory() const
{
    return sandbox_ ? std::filesystem::path{"/var/task"} : options_.task_root;
}

// Past the memory size Lambda kills the runtime; the invocation fails with Runtime.OutOfMemory
// and the environment is reset (docs/lambda-rules.md §4.3).
void EnvironmentHost::runtime_exceeded_memory(long resident_kb)
{
    if (!runtime_ || !runtime_alive_) return;
    out_of_memory_ = true;
    last_peak_memory_mb_ = std::max(last_peak_memory_mb_, mb_rounded_up(resident_kb));
    lines_(kPlatformLine, "[lambda-emu] the runtime's processes use " + std::to_string(mb_rounded_up(resident_kb)) +
                              " MB, past the memory size of " + std::to_string(options_.function.memory_mb) +
                              " MB: killed, as Lambda kills them (Runtime.OutOfMemory)");
    runtime_->kill_group();
    killed_groups_.insert(runtime_->pid());
}

// The kernel's OOM killer may have chosen any process of the environment, and its exit may be
// seen before the notice: the cgroup's count says. Every SIGKILL from then on (the runtime's,
// killed for it) is the memory's too.
bool EnvironmentHost::killed_for_memory(const core::ExitStatus& status)
{
    if (!status.signalled || status.code != SIGKILL) return false;
    note_oom_kills();
    return out_of_memory_;
}

bool EnvironmentHost::note_oom_kills()
{
    if (!cgroup_) return false;
    const std::uint64_t kills = cgroup_->oom_kills();
    if (kills <= oom_kills_seen_) return false; // under pressure, but nothing was killed
    oom_kills_seen_ = kills;
    out_of_memory_ = true;
    last_peak_memory_mb_ = std::max(last_peak_memory_mb_, mb_rounded_up(cgroup_->peak_memory_kb()));
    lines_(kPlatformLine, "[lambda-emu] the environment reached its memory size of " +
                              std::to_string(options_.function.memory_mb) +
                              " MB and the kernel killed a process of it (Runtime.OutOfMemory)");
    return true;
}

void EnvironmentHost::await_out_of_memory()
{
    oom_notice_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                            [this](const boost::system::error_code& ec) {
                                if (ec) return; // closed with the host
                                cgroup_->take_oom_notice();
                                environment_out_of_memory();
                                await_out_of_memory();
                            });
}

// The kernel killed a process of the environment for its memory. Lambda then fails the
// invocation with Runtime.OutOfMemory and resets the environment, whichever process was chosen:
// the runtime is killed too if it was not the one.
void EnvironmentHost::environment_out_of_memory()
{
    if (!note_oom_kills() || !runtime_ || !runtime_alive_) return;
    runtime_->kill_group();
    killed_groups_.insert(runtime_->pid());
}

void EnvironmentHost::arrange_kill(const core::ProcessIdentity& who, core::SteadyTime when)
{
    if (const pid_t group = pid_of(who); group > 0)
        arranged_kills_[who] = std::make_unique<process::DeadlineKill>(group, when);
}

std::optional<core::SteadyTime> EnvironmentHost::call_off_kill(const core::ProcessIdentity& who)
{
    const auto found = arranged_kills_.find(who);
    if (found == arranged_kills_.end()) return std::nullopt;
    const auto sent = found->second->call_off();
    if (sent) killed_groups_.insert(found->second->group());
    arranged_kills_.erase(found);
    return sent;
}

int EnvironmentHost::runtime_peak_memory_mb()
{
    if (cgroup_) {
        last_peak_memory_mb_ = std::max(last_peak_memory_mb_, mb_rounded_up(cgroup_->peak_memory_kb()));
        return last_peak_memory_mb_;
    }
    if (runtime_ && runtime_alive_) {
        if (const int measured = runtime_->peak_memory_mb(); measured > 0) last_peak_memory_mb_ = measured;
    }
    return last_peak_memory_mb_;
}

int EnvironmentHost::runtime_group_survivors()
{
    return runtime_ ? process::count_group_members(runtime_->pid()) : 0;
}

std::vector<core::LaunchedExtension> EnvironmentHost::start_external_extensions()
{
    for (auto& [name, extension] : extensions_) reaper_.forget(extension->pid());
    extensions_.clear();
    const std::size_t generation = ++extension_generation_;
    std::vector<core::LaunchedExtension> launched;
    for (const auto& path : options_.extensions) {
        const std::string name = path.filename().string();
        process::SpawnSpec spec;
        spec.executable = sandbox_ ? sandbox_->inside_path(path) : path;
        spec.environment = extension_environment_;
        spec.working_directory = working_directory();
        if (sandbox_) spec.sandbox = sandbox_->entry();
        if (cgroup_) spec.join_cgroup = cgroup_->join_descriptors();
        const auto who = core::ProcessIdentity::extension(name);
        auto line_sink = [lines = lines_, source = LineSource{who}](std::string_view line) { lines(source, line); };
        auto spawned = process::ChildProcess::spawn(io_, spec, line_sink, line_sink);
        if (!spawned.child) {
            explain_permission_denied(spawned.error);
            launched.push_back({name, 0, spawned.error});
            continue;
        }
        const pid_t pid = spawned.child->pid();
        last_outputs_->started(who, pid);
        looks_.erase(who);
        reaper_.descendants().add_root(family_, pid);
        reaper_.watch(pid, [this, name, generation](core::ExitStatus status) {
            if (generation != extension_generation_) return;
            if (killed_for_memory(status)) status.killed_for = core::KilledFor::MemoryLimit;
            environment_.on_extension_exited(name, status);
        });
        extensions_[name] = std::move(spawned.child);
        launched.push_back({name, pid, {}});
    }
    return launched;
}

void EnvironmentHost::kill_extension(const std::string& name)
{
    if (auto found = extensions_.find(name); found != extensions_.end()) {
        found->second->kill_group();
        killed_groups_.insert(found->second->pid());
    }
}

void EnvironmentHost::track_descendants(bool now)
{
    if (now) reaper_.descendants().refresh();
    else reaper_.descendants().refresh_unless_fresh();
}

std::vector<core::EscapedProcess> EnvironmentHost::kill_descendants()
{
    // The runtime and the extensions are accounted for in the cleanup table, and the members of
    // groups already SIGKILLed are dying with them: the rest had escaped every group kill.
    std::set<pid_t> roots;
    if (runtime_) roots.insert(runtime_->pid());
    for (const auto& [name, extension] : extensions_) roots.insert(extension->pid());
    std::vector<core::EscapedProcess> escaped;
    std::set<pid_t> reported;
    const auto report_escaped = [&](const process::ProcessEntry& killed) {
        if (roots.count(killed.pid) != 0 || killed_groups_.count(killed.group) != 0) return;
        if (reported.insert(killed.pid).second) escaped.push_back({killed.pid, killed.command});
    };
    if (cgroup_) {
        // The cgroup knows every process of the environment, whatever it forked or left: read
        // each before the kill (a killed process's entry may be gone before it could be read).
        std::vector<process::ProcessEntry> members;
        for (const pid_t pid : cgroup_->members()) {
            process::ProcessEntry entry;
            if (process::read_process_entry(pid, entry) && entry.live()) members.push_back(std::move(entry));
        }
        cgroup_->kill_all();
        for (const auto& member : members) report_escaped(member);
    }
    for (const auto& killed : reaper_.descendants().kill_family(family_)) report_escaped(killed);
    killed_groups_.clear();
    return escaped;
}

void EnvironmentHost::freeze_environment()
{
    if (!options_.freeze) return;
    if (cgroup_) {
        cgroup_->freeze(); // atomic: every process of the environment, wherever it went
        telemetry_->hold_deliveries();
        return;
    }
    std::vector<pid_t> groups;
    if (runtime_ && runtime_alive_) groups.push_back(runtime_->pid());
    for (const auto& [name, extension] : extensions_) groups.push_back(extension->pid());
    // What left those groups (setsid) is stopped one by one, as the tracker knows them (it looked
    // at the end of the invocation, a moment ago; after an Init it looks now).
    reaper_.descendants().refresh_unless_fresh();
    auto strays = reaper_.descendants().members_outside(family_, groups);
    freezer_.freeze(std::move(groups), std::move(strays));
    // Lambda buffers what a frozen subscriber would be sent (docs/lambda-rules.md §3): it could not take it.
    telemetry_->hold_deliveries();
}

void EnvironmentHost::thaw_environment()
{
    if (cgroup_ && options_.freeze) {
        cgroup_->thaw();
        telemetry_->resume_deliveries();
        return;
    }
    if (freezer_.state() == process::Freezer::State::Thawed) return;
    freezer_.thaw();
    telemetry_->resume_deliveries();
}

pid_t EnvironmentHost::pid_of(const core::ProcessIdentity& who) const
{
    if (who.is_runtime()) return runtime_ && runtime_alive_ ? runtime_->pid() : 0;
    // Asked only while the extension's exit is not yet seen: the pid is still its own.
    const auto found = extensions_.find(who.name);
    return found != extensions_.end() ? found->second->pid() : 0;
}

std::optional<core::ProcessSample> EnvironmentHost::look_at(const core::ProcessIdentity& who, bool fresh)
{
    const pid_t pid = pid_of(who);
    if (pid == 0) return std::nullopt;
    auto& look = looks_[who];
    if (!process::look_at_tree(pid, look, fresh)) return std::nullopt;
    core::ProcessSample sample;
    sample.at = clock_.now();
    sample.cpu_ms = look.cpu_ms;
    sample.sockets = look.sockets;
    sample.waiting_in = look.waiting_in;
    // Its connections to the emulator's own listeners are the APIs it talks to (the environment's
    // listener serves the runtime the Runtime API and the extensions the Extensions API), not
    // the function's.
    for (auto& socket : sample.sockets) {
        if (socket.kind == core::SocketKind::Unix) continue;
        const auto colon = socket.remote.rfind(':');
        const std::string host = socket.remote.substr(0, colon);
        const int port = std::atoi(socket.remote.c_str() + colon + 1);
        const bool loopback = host == "127.0.0.1" || host == "[::ffff:127.0.0.1]";
        if (loopback && port > 0 && port <= 65535 && listeners_.contains(static_cast<unsigned short>(port))) {
            socket.peer = who.is_runtime() ? core::SocketPeer::RuntimeApi : core::SocketPeer::ExtensionsApi;
        }
    }
    return sample;
}

std::optional<core::OutputLine> EnvironmentHost::last_output(const core::ProcessIdentity& who)
{
    return last_outputs_->last(who);
}

void EnvironmentHost::time_output(bool on)
{
    last_outputs_->time_cpu(on);
}

void EnvironmentHost::arm(core::TimerSlot slot, core::SteadyTime when)
{
    auto& timer = timers_.try_emplace(slot, io_).first->second;
    const std::uint64_t generation = ++timer.generation;
    timer.timer.expires_at(when);
    timer.timer.async_wait([this, slot, generation](const boost::system::error_code& ec) {
        if (ec || timers_.at(slot).generation != generation) return;
        environment_.on_timer(slot);
    });
}

void EnvironmentHost::cancel(core::TimerSlot slot)
{
    const auto found = timers_.find(slot);
    if (found == timers_.end()) return; // never armed
    ++found->second.generation;
    found->second.timer.cancel();
}

} // namespace lambda_emu
