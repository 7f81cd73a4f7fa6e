#include "event_source.hpp"

#include "json_check.hpp"
#include "limits.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace lambda_emu::invoke {

namespace {

// At most `limit` + 1 bytes: enough to tell an event over Lambda's limit, and no more, whatever
// the source holds (/dev/zero never ends).
std::string read_at_most(std::istream& in, std::size_t limit)
{
    std::string bytes;
    char chunk[64 * 1024];
    while (bytes.size() <= limit) {
        in.read(chunk, sizeof chunk);
        if (in.gcount() <= 0) break;
        bytes.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (!in) break; // the end (or an error, which the caller asks the stream about)
    }
    return bytes;
}

} // namespace

LoadedEvents load_events(const std::vector<std::string>& sources, std::istream& standard_input)
{
    LoadedEvents loaded;
    if (sources.empty()) {
        loaded.events.push_back({"default", core::make_payload("{}")});
        return loaded;
    }
    bool stdin_used = false;
    for (const auto& source : sources) {
        std::string bytes;
        std::string name = source;
        if (source == "-") {
            if (stdin_used) {
                loaded = {{}, "--event - names standard input twice; it can be read only once"};
                return loaded;
            }
            stdin_used = true;
            name = "stdin";
            bytes = read_at_most(standard_input, kMaxSyncPayload);
        } else {
            std::ifstream file{source, std::ios::binary};
            if (!file) {
                loaded = {{}, "cannot read event file " + source + ": " + std::strerror(errno)};
                return loaded;
            }
            bytes = read_at_most(file, kMaxSyncPayload);
            if (file.bad()) {
                loaded = {{}, "cannot read event file " + source + ": read error"};
                return loaded;
            }
        }
        if (bytes.size() > kMaxSyncPayload) {
            loaded = {{},
                      "event " + name + " is over the " + std::to_string(kMaxSyncPayload) +
                          "-byte limit of a synchronous invocation (Lambda answers RequestTooLargeException)"};
            return loaded;
        }
        if (const auto problem = json_problem(bytes)) {
            loaded = {{}, "event " + name + " is not valid JSON (Lambda requires a JSON payload): " + *problem};
            return loaded;
        }
        loaded.events.push_back({name, core::make_payload(std::move(bytes))});
    }
    return loaded;
}

} // namespace lambda_emu::invoke
