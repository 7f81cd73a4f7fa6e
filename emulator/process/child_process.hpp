#pragma once
// process/: child processes: spawn with Lambda's environment, output lines, exits, signals, descendants.
//
// One child process of the emulator (a runtime or an extension): started with Boost.Process
// in a process group of its own, with Lambda's environment, its output read line by line.
#include "line_reader.hpp"
#include "sandbox.hpp"

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

struct SpawnSpec {
    std::filesystem::path executable;
    std::vector<std::string> arguments;
    std::vector<std::string> environment;    // "KEY=value", nothing inherited
    std::filesystem::path working_directory; // inside the sandbox, when there is one
    // The environment's namespaces, entered before exec; the paths above are then seen inside them.
    std::optional<SandboxEntry> sandbox;
    // The environment's cgroup.procs files (environment_cgroup.hpp), joined first of all.
    std::vector<int> join_cgroup;
};

class ChildProcess;

struct SpawnResult {
    std::unique_ptr<ChildProcess> child; // null when it could not start
    std::string error; // Go's wording, as RAPID reports it: "fork/exec PATH: no such file or directory"
};

class ChildProcess {
public:
    // stdin is /dev/null; stdout and stderr go to the sinks, one line at a time. The child gets
    // SIGKILL if the emulator dies, so none outlives it.
    static SpawnResult spawn(boost::asio::io_context& io, const SpawnSpec& spec, LineSink on_stdout,
                             LineSink on_stderr);

    pid_t pid() const { return pid_; }
    // SIGTERM to this process only: what AWS sends the runtime.
    void terminate() const;
    // SIGKILL to the whole group: the process and everything it started.
    void kill_group() const;
    // Peak resident memory of the process and its descendants, in MB rounded up (0 once gone).
    int peak_memory_mb() const;

private:
    explicit ChildProcess(pid_t pid) : pid_{pid} {}
    pid_t pid_;
};

// Peak RSS (VmHWM) of `root` and its descendants, in kB; 0 when `root` is gone.
long peak_resident_kb(pid_t root);

// Live (non-zombie) processes in the process group `group`, found by scanning /proc.
int count_group_members(pid_t group);

} // namespace lambda_emu::process
