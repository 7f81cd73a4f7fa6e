#pragma once
// A route called the way http::Session calls it, without a socket: match the request against
// the real Router, run the handler, keep what it answered. For the JSON bodies target, where a
// connection per input would cost more than the parsing under test.
#include "http/router.hpp"

#include <memory>
#include <optional>

namespace lambda_emu::fuzz {

class RecordingSink final : public http::ResponseSink {
public:
    void respond(http::Response response, http::AfterSent after_sent) override
    {
        answer = std::move(response);
        if (after_sent) after_sent();
    }
    std::shared_ptr<http::ResponseStream> respond_in_pieces(http::Response head) override
    {
        answer = std::move(head);
        return std::make_shared<Discard>();
    }
    std::optional<http::Response> answer;

private:
    struct Discard final : http::ResponseStream {
        bool write(std::string_view) override { return true; }
        void when_ready(std::function<void()> resume) override { resume(); }
        void finish(const std::vector<std::pair<std::string, std::string>>&) override {}
    };
};

// The handler's answer; nothing when it parked the responder (a long poll) or there is no route.
inline std::optional<http::Response> call_route(const http::Router& router, http::Request& request)
{
    const auto match = router.match(request.method(), request.target());
    if (match.kind != http::Router::Match::Kind::Found) return std::nullopt;
    auto sink = std::make_shared<RecordingSink>();
    (*match.handler)(request, match.params, http::Responder{sink});
    return std::move(sink->answer);
}

} // namespace lambda_emu::fuzz
