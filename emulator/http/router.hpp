#pragma once
// Method + path pattern -> handler. Patterns are literal segments and `{name}` placeholders
// (which also match an empty segment, so the handler can answer with the API's own error).
#include "message.hpp"
#include "responder.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::http {

using PathParams = std::vector<std::string>; // placeholder values, in pattern order
using Handler = std::function<void(Request& request, const PathParams& params, Responder responder)>;
// Called instead when the client went away in the middle of the body (a truncated stream).
using TruncationHandler = std::function<void(const PathParams& params)>;

inline constexpr std::size_t kDefaultBodyLimit = 1024 * 1024;

class Router {
public:
    void add(Verb method, std::string_view pattern, Handler handler, std::size_t body_limit = kDefaultBodyLimit,
             TruncationHandler on_truncated = {});

    struct Match {
        enum class Kind { Found, MethodNotAllowed, NotFound } kind = Kind::NotFound;
        const Handler* handler = nullptr;
        const TruncationHandler* on_truncated = nullptr;
        std::size_t body_limit = 0;
        PathParams params;
    };
    Match match(Verb method, std::string_view target) const;

private:
    struct Route {
        Verb method;
        std::vector<std::string> segments;
        Handler handler;
        std::size_t body_limit;
        TruncationHandler on_truncated;
    };
    std::vector<Route> routes_;
};

} // namespace lambda_emu::http
