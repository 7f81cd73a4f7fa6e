#include "process_table.hpp"

#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace lambda_emu::process {

std::string read_proc_file(const char* path)
{
    std::string content;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return content;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        content.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return content;
}

long status_field_kb(pid_t pid, std::string_view field)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    const std::string status = read_proc_file(path);
    const std::string label = std::string{field} + ":";
    const auto at = status.find(label);
    return at == std::string::npos ? 0 : std::strtol(status.c_str() + at + label.size(), nullptr, 10);
}

bool read_process_entry(pid_t pid, ProcessEntry& entry)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    const std::string stat = read_proc_file(path);
    // "pid (comm) state ppid pgrp ...": the command may hold spaces and parentheses, so it ends
    // at the last ')'.
    const auto open = stat.find('(');
    const auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return false;
    entry.pid = pid;
    entry.command.assign(stat, open + 1, close - open - 1);
    // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
    // cstime priority nice num_threads itrealvalue starttime
    return std::sscanf(stat.c_str() + close + 1,
                       " %c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %d %*d %llu", &entry.state,
                       &entry.parent, &entry.group, &entry.threads, &entry.start_time) == 5;
}

std::vector<ProcessEntry> read_process_table()
{
    std::vector<ProcessEntry> table;
    DIR* proc = ::opendir("/proc");
    if (!proc) return table;
    while (const dirent* item = ::readdir(proc)) {
        if (item->d_name[0] < '1' || item->d_name[0] > '9') continue;
        ProcessEntry entry;
        if (read_process_entry(static_cast<pid_t>(std::atoi(item->d_name)), entry)) table.push_back(std::move(entry));
    }
    ::closedir(proc);
    return table;
}

namespace {

void append_children(const char* path, std::vector<pid_t>& children)
{
    const std::string listed = read_proc_file(path); // "12 34 "
    const char* cursor = listed.c_str();
    char* end = nullptr;
    for (long child = std::strtol(cursor, &end, 10); end != cursor; child = std::strtol(cursor, &end, 10)) {
        children.push_back(static_cast<pid_t>(child));
        cursor = end;
    }
}

} // namespace

std::vector<pid_t> children_of(const ProcessEntry& entry)
{
    if (entry.threads != 1) return children_of(entry.pid);
    std::vector<pid_t> children;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", entry.pid, entry.pid);
    append_children(path, children);
    return children;
}

std::vector<pid_t> children_of(pid_t pid)
{
    std::vector<pid_t> children;
    char path[96];
    std::snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR* tasks = ::opendir(path);
    if (!tasks) return children;
    while (const dirent* task = ::readdir(tasks)) {
        if (task->d_name[0] < '1' || task->d_name[0] > '9') continue;
        std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, std::atoi(task->d_name));
        append_children(path, children);
    }
    ::closedir(tasks);
    return children;
}

bool proc_lists_children()
{
    // A property of the kernel, asked once: the tracker asks before every walk, up to a hundred
    // times a second under load.
    static const bool listed = [] {
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", ::getpid(), ::getpid());
        return ::access(path, R_OK) == 0;
    }();
    return listed;
}

bool environment_holds(pid_t pid, std::string_view variable)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/environ", pid);
    const std::string environment = read_proc_file(path);
    // NUL-separated "KEY=value" entries.
    std::string_view rest{environment};
    while (!rest.empty()) {
        const auto end = rest.find('\0');
        if (rest.substr(0, end) == variable) return true;
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return false;
}

} // namespace lambda_emu::process
