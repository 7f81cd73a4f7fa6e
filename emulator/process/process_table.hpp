#pragma once
// The machine's processes as /proc shows them, read without iostreams: the descendant tracker
// reads them several times a second and after every invocation.
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

struct ProcessEntry {
    pid_t pid = 0;
    pid_t parent = 0;
    pid_t group = 0;
    unsigned long long start_time = 0; // clock ticks after boot (stat field 22): a pid plus this names one process
    char state = '?';                  // 'Z' for a zombie
    int threads = 0;
    std::string command; // the kernel's short name (comm)

    bool live() const { return state != 'Z' && state != 'X'; }
};

// Every process in /proc (those that vanish while it is read are simply left out).
std::vector<ProcessEntry> read_process_table();
// One process's entry; false when it is gone.
bool read_process_entry(pid_t pid, ProcessEntry& entry);
// The children of `pid`, from every one of its threads (/proc/PID/task/TID/children); empty when
// it is gone. Cheap: the cost follows the process's own threads, not the machine's processes.
std::vector<pid_t> children_of(pid_t pid);
// The same for an entry just read: a single-threaded process (the usual case) costs one file.
std::vector<pid_t> children_of(const ProcessEntry& entry);
// Whether /proc lists children (Linux's CONFIG_PROC_CHILDREN, present on the usual kernels).
bool proc_lists_children();
// Whether `pid`'s environment holds exactly `variable` ("KEY=value"); false when unreadable.
bool environment_holds(pid_t pid, std::string_view variable);
// A small /proc file's whole content ("" when it cannot be read).
std::string read_proc_file(const char* path);
// A kB field of /proc/PID/status ("VmRSS", "VmHWM"); 0 when the process is gone or has none.
long status_field_kb(pid_t pid, std::string_view field);

} // namespace lambda_emu::process
