#pragma once
// The last line each process of an environment printed, with its time and, during a Shutdown
// phase, the CPU time its process tree had used by then: the "last output" of the phase's
// evidence (core/shutdown_evidence.hpp). Shared with the line readers, which may outlive the host.
#include "core/clock.hpp"
#include "core/shutdown_evidence.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace lambda_emu {

class LastOutputs {
public:
    explicit LastOutputs(const core::Clock& clock) : clock_{clock} {}

    // A new process prints under `source` ("runtime", "ext:NAME"): the last one's line is forgotten.
    void started(const std::string& source, pid_t pid);
    void line(std::string_view source, std::string_view text); // ignored unless `source` started
    // Read the CPU time with each line (during a Shutdown phase), or no longer.
    void time_cpu(bool on) { time_cpu_ = on; }
    std::optional<core::OutputLine> last(const std::string& source) const;

private:
    // A process that prints thousands of lines a second is read at most this often; a line
    // between two readings keeps the earlier one (which counts more CPU as "after", never less).
    static constexpr core::Millis kCpuReadingEvery{2};
    struct Entry {
        pid_t pid = 0;
        std::optional<core::OutputLine> last;
        core::SteadyTime cpu_read_at{};
    };
    const core::Clock& clock_;
    bool time_cpu_ = false;
    std::map<std::string, Entry, std::less<>> entries_;
};

} // namespace lambda_emu
