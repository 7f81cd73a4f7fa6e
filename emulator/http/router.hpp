#pragma once
// Method + path pattern -> handler. Patterns are literal segments and `{name}` placeholders
// (which also match an empty segment, so the handler can answer with the API's own error).
#include "message.hpp"
#include "responder.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::http {

using PathParams = std::vector<std::string>; // placeholder values, in pattern order
using Handler = std::function<void(Request& request, const PathParams& params, Responder responder)>;
// Called instead when the client went away in the middle of the body (a truncated stream).
using TruncationHandler = std::function<void(const PathParams& params)>;
// Called once the head is read: may return where the body's bytes should go as they arrive.
using BodyStartHandler = std::function<BodySink(Request& head, const PathParams& params)>;
// Called once the head is read, before the body: an answer here is sent at once and the body is
// never read (a post for a request id that does not exist costs nothing, however long its body).
using HeadCheck = std::function<std::optional<Response>(const Request& head, const PathParams& params)>;

struct RouteHooks {
    TruncationHandler on_truncated = {};
    BodyStartHandler on_body_start = {};
    HeadCheck refuse_from_head = {};
    // The handler answers an oversized body itself (it checks body().overflowed()), so a body
    // that can never fit is handed to it unread, with `received` set to its announced length.
    // Otherwise the session answers such a request 413 itself.
    bool answers_oversized_body = false;
};

inline constexpr std::size_t kDefaultBodyLimit = 1024 * 1024;

// The raw value of `name` in the target's query string ("" when absent).
std::string query_parameter(std::string_view target, std::string_view name);

class Router {
public:
    void add(Verb method, std::string_view pattern, Handler handler, std::size_t body_limit = kDefaultBodyLimit,
             RouteHooks hooks = {});
    // Any method, and any path that begins with `pattern`'s segments: the handler gets the
    // placeholders, then the rest of the path ("/a/b", "/" for a trailing slash, "" for none).
    void add_prefix(std::string_view pattern, Handler handler, std::size_t body_limit = kDefaultBodyLimit,
                    RouteHooks hooks = {});

    struct Match {
        enum class Kind { Found, MethodNotAllowed, NotFound } kind = Kind::NotFound;
        const Handler* handler = nullptr;
        const RouteHooks* hooks = nullptr;
        std::size_t body_limit = 0;
        PathParams params;
    };
    Match match(Verb method, std::string_view target) const;

private:
    // A route matches its method and its whole path, or any method and what begins with it.
    enum class Extent { WholePath, AnyMethodAndPrefix };
    struct Route {
        Extent extent;
        Verb method;
        std::vector<std::string> segments;
        Handler handler;
        std::size_t body_limit;
        RouteHooks hooks;
    };
    std::vector<Route> routes_;
};

} // namespace lambda_emu::http
