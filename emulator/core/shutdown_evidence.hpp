#pragma once
// What each process was doing when the Shutdown phase signalled it and when it was killed or
// exited: its last line of output, the CPU time of its process tree, the sockets the tree held
// and whether a Runtime or Extensions API poll was still parked. The verdict says what Lambda
// did (a kill is a kill); this evidence says what it means (a cleanup that finished
// in a process that then did not exit is not a cleanup cut short).
#include "clock.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::core {

enum class SocketKind { Tcp, Tcp6, Unix };
const char* to_string(SocketKind kind);

// Whose socket it is: the function's own, or the process's end of the emulator's own API (the
// environment's listener serves both APIs; the runtime's connections to it are the Runtime
// API's, an extension's the Extensions API's).
enum class SocketPeer { Function, RuntimeApi, ExtensionsApi };
const char* to_string(SocketPeer peer);

struct OpenSocket {
    std::uint64_t inode = 0; // the kernel's name for it: the same socket in two looks
    SocketKind kind = SocketKind::Tcp;
    std::string local;  // "127.0.0.1:43210", "[::1]:43210"; a Unix socket's path when bound ("" if not)
    std::string remote; // "127.0.0.1:5432"; "" for Unix sockets (the kernel's /proc does not name their peer)
    std::string state;  // TCP: "ESTABLISHED", "LISTEN", ...; Unix: "CONNECTED", "LISTEN", "UNCONNECTED"
    SocketPeer peer = SocketPeer::Function;

    // A connection, not a listening or unconnected socket.
    bool is_connection() const;
    // A connection of the function's own (a database, a queue), not one to the emulator's API.
    bool is_own_connection() const { return peer == SocketPeer::Function && is_connection(); }
    // "127.0.0.1:5432 (ESTABLISHED)", "unix /run/db.sock (CONNECTED)".
    std::string describe() const;
};

// One look at a process tree in /proc.
struct ProcessSample {
    SteadyTime at{};
    double cpu_ms = 0; // utime + stime of every live member, and of the children they reaped, since they started
    std::vector<OpenSocket> sockets;
    // Where the process's main thread waits in the kernel (/proc/PID/wchan): "hrtimer_nanosleep"
    // for a sleep, "ep_poll" for an event loop, "futex_wait_queue" for a lock or a join; "" when
    // running or not told.
    std::string waiting_in;
    // Asleep in a sleep call: a cleanup that waits on a timer uses no CPU either, yet is not done.
    bool asleep() const { return waiting_in.find("nanosleep") != std::string::npos; }
};

// A process's last line of output.
struct OutputLine {
    SteadyTime at{};
    std::string text;             // cut at kMaxLastOutput bytes
    std::optional<double> cpu_ms; // its tree's CPU time when the line was read, during a Shutdown phase
};
inline constexpr std::size_t kMaxLastOutput = 200;

// The Runtime or Extensions API poll a process still had parked when it was killed.
enum class ParkedCall { None, RuntimeNext, ExtensionEventNext };
const char* to_string(ParkedCall call); // "/next", "/event/next"; "" for None

struct ProcessEvidence {
    std::optional<ProcessSample> at_start; // as the phase began, before any signal
    // Just before SIGKILL. For a process that exited by itself, the last look before its exit:
    // the phase looks every kEvidenceSamplePeriod and whenever the process prints (its sockets
    // are closed by the exit itself, so none can be read at the exit).
    std::optional<ProcessSample> at_end;
    std::optional<OutputLine> last_output; // after the signal, or before it if it printed nothing since
    ParkedCall parked_at_kill = ParkedCall::None;
    // Its last kLastLines lines of output, oldest first, each cut at kMaxLastOutput bytes: what a
    // process that crashed or was killed said last (a stack trace, the step its cleanup was in).
    // The core leaves it empty: the host's reporter, which reads every line, fills it in, also
    // with lines read after the phase ended (a crashed process's last words can be read after
    // its exit was seen).
    std::vector<std::string> last_lines;
};
inline constexpr std::size_t kLastLines = 10;

inline constexpr Millis kEvidenceSamplePeriod{20};
// Reading the socket tables (/proc/PID/net/tcp walks the kernel's whole connection hash) takes
// milliseconds; done at the deadline, it made every SIGKILL that late. So the tables are read
// afresh this long before a deadline, and the look at the deadline itself reads them again only
// if the process's set of sockets changed since (a socket's state may be this much older).
inline constexpr Millis kTablesReadBeforeDeadline{5};
// "Almost no CPU": utime and stime count in clock ticks (10 ms on Linux), and a process that
// only waits can still be charged the tick it woke up in; two ticks is idle.
inline constexpr double kIdleCpuMs = 20.0;

} // namespace lambda_emu::core
