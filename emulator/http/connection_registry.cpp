#include "connection_registry.hpp"

#include "session.hpp"

namespace lambda_emu::http {

bool ConnectionRegistry::evict_longest_waiting()
{
    Session* oldest = nullptr;
    for (Session* session : sessions_) {
        if (session->waiting_for_request() && (!oldest || session->waiting_since() < oldest->waiting_since())) {
            oldest = session;
        }
    }
    if (!oldest) return false;
    oldest->evict(); // removes it from the registry
    return true;
}

} // namespace lambda_emu::http
