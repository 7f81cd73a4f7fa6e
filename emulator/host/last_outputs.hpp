#pragma once
// The last line each process of an environment printed, with its time and, during a Shutdown
// phase, the CPU time its process tree had used by then: the "last output" of the phase's
// evidence (core/shutdown_evidence.hpp). Shared with the line readers, which may outlive the host.
#include "core/clock.hpp"
#include "core/process_identity.hpp"
#include "core/shutdown_evidence.hpp"

#include <boost/asio/io_context.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace lambda_emu {

class LastOutputs : public std::enable_shared_from_this<LastOutputs> {
public:
    LastOutputs(boost::asio::io_context& io, const core::Clock& clock) : io_{io}, clock_{clock} {}

    // A new process prints as `who`: the last one's line is forgotten.
    void started(const core::ProcessIdentity& who, pid_t pid);
    void line(const core::ProcessIdentity& who, std::string_view text); // ignored unless `who` started
    // Read the CPU time with the lines (during a Shutdown phase), or no longer.
    void time_cpu(bool on) { time_cpu_ = on; }
    std::optional<core::OutputLine> last(const core::ProcessIdentity& who);

private:
    // A pipe's read brings hundreds of lines at once: reading the clock (and /proc) for each
    // was ~40% of the emulator's work per line. The lines of one turn of the event loop are
    // stamped together at its end (or when asked for, if that comes first), a few microseconds
    // after they were read.
    void stamp_when_the_turn_ends();
    void stamp();

    // A process that prints all the time is read at most this often; a line between two
    // readings keeps the earlier one (which counts more CPU as "after", never less).
    static constexpr core::Millis kCpuReadingEvery{2};
    struct Entry {
        pid_t pid = 0;
        std::optional<core::OutputLine> last;
        bool unstamped = false;
        core::SteadyTime cpu_read_at{};
    };
    boost::asio::io_context& io_;
    const core::Clock& clock_;
    bool time_cpu_ = false;
    bool stamp_posted_ = false;
    std::map<core::ProcessIdentity, Entry> entries_;
};

} // namespace lambda_emu
