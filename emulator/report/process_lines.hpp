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

// How the emulator labels a process's output lines: "runtime", "ext:NAME".
std::string output_label(core::ProcessKind kind, const std::string& name);

// The last core::kLastLines lines of each source's output, each cut at core::kMaxLastOutput bytes.
class RecentLines {
public:
    void add(std::string_view source, std::string_view line);
    void clear() { rings_.clear(); }                            // every process starts anew
    std::vector<std::string> of(std::string_view source) const; // oldest first

private:
    // Lines are written over in place once a ring is full: no allocation per line after the first
    // few (the output path is the emulator's busiest).
    struct Ring {
        std::vector<std::string> lines;
        std::size_t oldest = 0; // where the next line goes once full
    };
    std::map<std::string, Ring, std::less<>> rings_;
};

// `line` after `lines`, keeping the last core::kLastLines, each cut likewise.
void append_last_line(std::vector<std::string>& lines, std::string_view line);

} // namespace lambda_emu::report
