#include "router.hpp"

namespace lambda_emu::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path)
{
    std::vector<std::string_view> segments;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

bool is_placeholder(const std::string& segment)
{
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

} // namespace

std::string query_parameter(std::string_view target, std::string_view name)
{
    const auto question = target.find('?');
    if (question == std::string_view::npos) return {};
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        const auto equals = pair.find('=');
        if (pair.substr(0, equals) == name)
            return equals == std::string_view::npos ? "" : std::string{pair.substr(equals + 1)};
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return {};
}

void Router::add(Verb method, std::string_view pattern, Handler handler, std::size_t body_limit, RouteHooks hooks)
{
    std::vector<std::string> segments;
    for (auto segment : split_path(pattern)) segments.emplace_back(segment);
    routes_.push_back(
        Route{Extent::WholePath, method, std::move(segments), std::move(handler), body_limit, std::move(hooks)});
}

void Router::add_prefix(std::string_view pattern, Handler handler, std::size_t body_limit, RouteHooks hooks)
{
    std::vector<std::string> segments;
    for (auto segment : split_path(pattern)) segments.emplace_back(segment);
    routes_.push_back(Route{Extent::AnyMethodAndPrefix, Verb::unknown, std::move(segments), std::move(handler),
                            body_limit, std::move(hooks)});
}

Router::Match Router::match(Verb method, std::string_view target) const
{
    const auto path = target.substr(0, target.find('?'));
    const auto segments = split_path(path);
    Match result;
    for (const auto& route : routes_) {
        const bool prefix = route.extent == Extent::AnyMethodAndPrefix;
        if (prefix ? segments.size() < route.segments.size() : route.segments.size() != segments.size()) continue;
        PathParams params;
        bool same_path = true;
        for (std::size_t i = 0; i < route.segments.size() && same_path; ++i) {
            if (is_placeholder(route.segments[i])) params.emplace_back(segments[i]);
            else same_path = route.segments[i] == segments[i];
        }
        if (!same_path) continue;
        if (prefix) {
            std::string rest;
            for (std::size_t i = route.segments.size(); i < segments.size(); ++i) rest.append("/").append(segments[i]);
            params.push_back(std::move(rest));
            return Match{Match::Kind::Found, &route.handler, &route.hooks, route.body_limit, std::move(params)};
        }
        if (route.method != method) {
            result.kind = Match::Kind::MethodNotAllowed;
            continue;
        }
        return Match{Match::Kind::Found, &route.handler, &route.hooks, route.body_limit, std::move(params)};
    }
    return result;
}

} // namespace lambda_emu::http
