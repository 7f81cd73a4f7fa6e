#pragma once
// A file the user names on the command line (--template, --env-file), read with a bound: a device
// that never ends (/dev/zero), a pipe that never closes, or a file far beyond what AWS would accept
// is refused in one line, instead of being read into memory without end.
#include <chrono>
#include <cstddef>
#include <string>

namespace lambda_emu {

struct InputFileRules {
    std::size_t max_bytes = 0;
    std::string limit; // max_bytes and why, after "is larger than ": "1 MB (1048576 bytes), CloudFormation's ..."
    // A pipe (`--env-file <(command)`, i.e. /dev/fd/N) besides a regular file: it must end before
    // the deadline. A device, a socket or a folder is always refused.
    bool pipe_allowed = false;
    std::chrono::milliseconds pipe_deadline{10'000};
};

struct InputFile {
    std::string text;
    std::string error; // non-empty: refused; one line starting with `what`
};

// `what` names the file in the error line, e.g. "--env-file /dev/zero".
InputFile read_input_file(const std::string& path, const std::string& what, const InputFileRules& rules);

} // namespace lambda_emu
