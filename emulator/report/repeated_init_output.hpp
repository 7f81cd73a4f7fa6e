#pragma once
// Lambda runs a failed Init again inside the next invocation (a suppressed Init), and a runtime
// that failed once mostly fails the same way: the same stack trace again, 30 lines further on.
// On the console, the retry's output is shown only where it differs from the failed Init's; when
// all of it came again, one line says so. Lines compare with their digits masked, since a
// timestamp, a pid or a duration differ from one attempt to the next. Only the console folds:
// the Logs and Telemetry APIs, the invocation's log tail and the reports get every line.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::report {

class RepeatedInitOutput {
public:
    // What the console does with a line of the runtime's.
    struct Echo {
        std::vector<std::string> released; // lines held back until now, to print first, in order
        bool print_line = true;            // then this line
        std::size_t repeated = 0;          // > 0: the failed Init's whole output (this many lines) came again
    };

    // A runtime starts an Init; `after_failed_init`: the Init before failed, so its output may
    // come again. Returns the lines still held back from the attempt before.
    std::vector<std::string> init_started(bool after_failed_init);
    // The Init succeeded: what the runtime prints from now on is its own. Returns the held lines.
    std::vector<std::string> init_succeeded();
    Echo line(std::string_view text);
    // The lines held back, at the end (a partial repeat is shown after all).
    std::vector<std::string> release();

    // Output shorter than this is shown again: a note would not be shorter.
    static constexpr std::size_t kWorthFolding = 200;
    // An Init that prints more is not compared (nor kept).
    static constexpr std::size_t kMaxKeptBytes = 64 * 1024;

private:
    std::vector<std::string> expected_; // the failed Init's lines, masked
    std::vector<std::string> current_;  // this attempt's lines so far, masked
    std::size_t current_bytes_ = 0;
    bool recording_ = false; // from an Init's start until it succeeds
    bool overflowed_ = false;
    bool comparing_ = false;
    std::size_t matched_ = 0;
    std::vector<std::string> held_; // the lines that matched so far, as printed
};

// `text` with each run of digits as one '#': "2026-12-03T06:12:57.544Z" reads "#-#-#T#:#:#.#Z".
std::string digits_masked(std::string_view text);

} // namespace lambda_emu::report
