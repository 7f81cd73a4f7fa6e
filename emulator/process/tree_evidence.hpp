#pragma once
// A process tree's CPU time and sockets, read from /proc for the Shutdown phase's evidence:
// utime + stime from /proc/PID/stat; sockets from /proc/PID/fd (socket:[INODE] links) matched
// against /proc/PID/net/tcp, tcp6 and unix, read in the tree's own network namespace.
#include "core/shutdown_evidence.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

// One row of /proc/net/tcp or tcp6 (`v6`): false for the header or anything unreadable.
bool parse_tcp_line(std::string_view line, bool v6, core::OpenSocket& socket);
// One row of /proc/net/unix: false for the header or anything unreadable.
bool parse_unix_line(std::string_view line, core::OpenSocket& socket);

struct TreeLook {
    double cpu_ms = 0;
    std::vector<core::OpenSocket> sockets; // every socket the tree holds, once each
    std::set<std::uint64_t> inodes;        // theirs, as /proc/PID/fd links name them
    std::string waiting_in;                // the root's wait channel (/proc/PID/wchan); "" when running
};
// The CPU time (utime + stime, with the children each member reaped) of `root` and its
// descendants, in ms; false when `root` is gone or a zombie.
bool tree_cpu_ms(pid_t root, double& cpu_ms);
// CPU time and sockets of `root`'s tree into `look`; false when `root` is gone or became a
// zombie while it was read (its descriptors are closed then, so the sockets would say nothing).
// The socket tables (/proc/PID/net/*) cost time in proportion to the machine's sockets (10 ms
// for a thousand): unless `fresh`, a look that finds the same sockets as `look` already holds
// keeps their rows as they were read (their states included) instead of reading them again.
// Only the tables of the families the tree holds are read (sockfs names each socket's protocol).
bool look_at_tree(pid_t root, TreeLook& look, bool fresh);

} // namespace lambda_emu::process
