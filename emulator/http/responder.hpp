#pragma once
// The right to answer one request. A route handler answers at once or parks the responder
// (long polls: /runtime/invocation/next, /extension/event/next) and answers later from the
// event loop. Dropping it unanswered closes the connection.
#include "message.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lambda_emu::http {

// Runs once the response is written (or failed to be): e.g. to exit after answering.
using AfterSent = std::function<void()>;

// A response sent in pieces, with chunked transfer encoding, as the bytes become available.
// The bytes not yet on the wire are bounded by the producer: `write` returns false once they
// pass a fixed cap, and `when_ready` runs its callback when they have drained below it again
// (at once if they already have, or if the caller is gone and what is written is dropped).
class ResponseStream {
public:
    virtual ~ResponseStream() = default;
    virtual bool write(std::string_view chunk) = 0;
    virtual void when_ready(std::function<void()> resume) = 0;
    // The last chunk, then trailers (fields announced in the head's `Trailer` header).
    virtual void finish(const std::vector<std::pair<std::string, std::string>>& trailers) = 0;
};

class ResponseSink {
public:
    virtual ~ResponseSink() = default;
    virtual void respond(Response response, AfterSent after_sent) = 0;
    virtual std::shared_ptr<ResponseStream> respond_in_pieces(Response head) = 0;
};

class Responder {
public:
    explicit Responder(std::shared_ptr<ResponseSink> sink) : sink_{std::move(sink)} {}
    void send(Response response, AfterSent after_sent = {})
    {
        if (auto sink = std::move(sink_)) sink->respond(std::move(response), std::move(after_sent));
    }
    // Sends `head` now and returns the stream for the body (null if already answered).
    std::shared_ptr<ResponseStream> stream(Response head)
    {
        if (auto sink = std::move(sink_)) return sink->respond_in_pieces(std::move(head));
        return nullptr;
    }

private:
    std::shared_ptr<ResponseSink> sink_;
};

} // namespace lambda_emu::http
