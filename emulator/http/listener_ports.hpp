#pragma once
// The ports the emulator itself listens on (every environment's Runtime API, serve's invoke and
// control endpoint). A Telemetry or Logs subscription aimed at one of them would feed the
// emulator its own output: through the invoke endpoint, every batch would become an invocation
// that makes more telemetry.
#include <set>

namespace lambda_emu::http {

class ListenerPorts {
public:
    void add(unsigned short port) { ports_.insert(port); }
    void remove(unsigned short port) { ports_.erase(port); }
    bool contains(unsigned short port) const { return ports_.contains(port); }

private:
    std::set<unsigned short> ports_;
};

} // namespace lambda_emu::http
