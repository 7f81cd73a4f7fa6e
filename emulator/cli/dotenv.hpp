#pragma once
// --env-file as a .env file is written for docker compose, python-dotenv or SAM users' tools:
// `KEY=VALUE` lines, blank lines and `# comments` skipped, an `export ` prefix allowed, values
// bare (trimmed, up to a ` #` comment), in single quotes (as written) or in double quotes (with
// \n, \t, \", \\ and \$ escapes).
#include <string>
#include <string_view>

namespace lambda_emu {

struct DotenvLine {
    enum class Kind { Nothing, Assignment, Malformed };
    Kind kind = Kind::Nothing;
    std::string key;
    std::string value;
    std::string problem; // Malformed: why, in a few words
};

DotenvLine parse_dotenv_line(std::string_view line);

} // namespace lambda_emu
