#pragma once
// The last lines each process of an environment printed, for the report (a Shutdown phase's
// evidence.lastLines): a crashed Init's stack trace, a killed cleanup's last step.
#include "core/shutdown.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::report {

// How the emulator labels a process's output lines when it prints them: "runtime", "ext:NAME".
// The one place the label is made: everywhere else a process is its identity.
std::string output_label(const core::ProcessIdentity& who);

// The last core::kLastLines lines of each source's output, each cut at core::kMaxLastOutput bytes.
class RecentLines {
public:
    void add(const core::ProcessIdentity& who, std::string_view line);
    void clear() { rings_.clear(); }                                     // every process starts anew
    std::vector<std::string> of(const core::ProcessIdentity& who) const; // oldest first

private:
    // Lines are written over in place once a ring is full: no allocation per line after the first
    // few (the output path is the emulator's busiest).
    struct Ring {
        std::vector<std::string> lines;
        std::size_t oldest = 0; // where the next line goes once full
    };
    std::map<core::ProcessIdentity, Ring> rings_;
};

// `line` after `lines`, keeping the last core::kLastLines, each cut likewise.
void append_last_line(std::vector<std::string>& lines, std::string_view line);

} // namespace lambda_emu::report
