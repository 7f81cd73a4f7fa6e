#include "event_source.hpp"

#include "json_check.hpp"
#include "limits.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace lambda_emu::invoke {

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
            bytes.assign(std::istreambuf_iterator<char>{standard_input}, {});
        } else {
            std::ifstream file{source, std::ios::binary};
            if (!file) {
                loaded = {{}, "cannot read event file " + source + ": " + std::strerror(errno)};
                return loaded;
            }
            bytes.assign(std::istreambuf_iterator<char>{file}, {});
            if (file.bad()) {
                loaded = {{}, "cannot read event file " + source + ": read error"};
                return loaded;
            }
        }
        if (bytes.size() > kMaxSyncPayload) {
            loaded = {{},
                      "event " + name + " is " + std::to_string(bytes.size()) + " bytes: over the " +
                          std::to_string(kMaxSyncPayload) +
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
