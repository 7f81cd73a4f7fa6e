#pragma once
// The right to answer one request. A route handler answers at once or parks the responder
// (long polls: /runtime/invocation/next, /extension/event/next) and answers later from the
// event loop. Dropping it unanswered closes the connection.
#include "message.hpp"

#include <functional>
#include <memory>

namespace lambda_emu::http {

// Runs once the response is written (or failed to be): e.g. to exit after answering.
using AfterSent = std::function<void()>;

class ResponseSink {
public:
    virtual ~ResponseSink() = default;
    virtual void respond(Response response, AfterSent after_sent) = 0;
};

class Responder {
public:
    explicit Responder(std::shared_ptr<ResponseSink> sink) : sink_{std::move(sink)} {}
    void send(Response response, AfterSent after_sent = {})
    {
        if (auto sink = std::move(sink_)) sink->respond(std::move(response), std::move(after_sent));
    }
    bool answered() const { return !sink_; }

private:
    std::shared_ptr<ResponseSink> sink_;
};

} // namespace lambda_emu::http
