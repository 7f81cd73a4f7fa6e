#pragma once
// Invocation events for `run`: files, or `-` for standard input. Lambda accepts any JSON value
// (object, array, string, number), so each is checked to be JSON, and kept byte for byte.
#include "core/invocation.hpp"

#include <istream>
#include <string>
#include <vector>

namespace lambda_emu::invoke {

struct Event {
    std::string source; // the file name, "stdin", or "default"
    core::Payload payload;
};

struct LoadedEvents {
    std::vector<Event> events;
    std::string error; // non-empty: nothing was loaded
};

// No sources: one empty-object event, as `lambda-emu run` promises.
LoadedEvents load_events(const std::vector<std::string>& sources, std::istream& standard_input);

} // namespace lambda_emu::invoke
