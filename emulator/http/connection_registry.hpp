#pragma once
// The open connections of one listener, so that its cap can never lock anyone out: at the cap,
// the connection that has waited longest for a request (idle between keep-alive requests, or
// still sending its header) is closed to make room; one that is mid-request, parked on a long
// poll or streaming is never chosen.
#include <cstddef>
#include <list>

namespace lambda_emu::http {

class Session;

class ConnectionRegistry {
public:
    using Entry = std::list<Session*>::iterator;

    Entry add(Session& session) { return sessions_.insert(sessions_.end(), &session); }
    void remove(Entry entry) { sessions_.erase(entry); }
    std::size_t size() const { return sessions_.size(); }
    // Closes the connection waiting longest for a request; false when every one is busy.
    bool evict_longest_waiting();

private:
    std::list<Session*> sessions_;
};

} // namespace lambda_emu::http
