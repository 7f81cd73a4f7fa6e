#pragma once
// Reading and writing a cgroup's control files: each is one short value read or written whole,
// with one write(2) (the kernel takes a control file's value from a single write).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

// The file's content ("" when it cannot be read; process_table's reader, which serves any small
// kernel file).
std::string read_cgroup_file(const std::filesystem::path& path);
// The pids a cgroup.procs file lists.
std::vector<pid_t> read_pids(const std::filesystem::path& procs);
// 0, or the errno of the failed open or write.
int write_cgroup_file(const std::filesystem::path& path, std::string_view value);
// Writes `value` to an open control file (a peak to reset through its own descriptor).
int write_cgroup_fd(int fd, std::string_view value);
// The number after `key` in a "key value" file (memory.events, cpu.stat, memory.oom_control).
std::optional<std::uint64_t> keyed_value(std::string_view content, std::string_view key);
// The file's content as one number (memory.max_usage_in_bytes, cpuacct.usage); null if none.
std::optional<std::uint64_t> number_in(const std::filesystem::path& path);

} // namespace lambda_emu::process
