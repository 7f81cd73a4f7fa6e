#include "control_api.hpp"
#include "core/json_text.hpp"
#include "http/percent.hpp"

#include <nlohmann/json.hpp>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <array>
#include <charconv>

namespace lambda_emu::invoke {

namespace {

http::Response control_error(http::Status status, const std::string& message)
{
    return http::json_response(status, core::json_text(nlohmann::json{{"message", message}}));
}

std::optional<core::ShutdownReason> parse_reason(const std::string& text)
{
    if (text.empty() || text == "spindown") return core::ShutdownReason::Spindown;
    if (text == "timeout") return core::ShutdownReason::Timeout;
    if (text == "failure") return core::ShutdownReason::Failure;
    return std::nullopt;
}

// A report answer is built from many small JSON nodes and one large string, all freed once it is
// on the wire; glibc keeps such memory for reuse, so `serve`'s RSS would stay at its peak. Give
// it back to the system (measured: a 20 MB report otherwise leaves RSS above 100 MB).
void give_back_free_memory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

} // namespace

void add_control_routes(http::Router& router, ControlTarget& target)
{
    router.add(http::Verb::get, "/lambda-emu/health",
               [&target](http::Request&, const http::PathParams&, http::Responder responder) {
                   responder.send(http::json_response(http::Status::ok, target.health_json()));
               });
    router.add(http::Verb::get, "/lambda-emu/report",
               [&target](http::Request&, const http::PathParams&, http::Responder responder) {
                   responder.send(http::json_response(http::Status::ok, target.report_json()), give_back_free_memory);
               });
    router.add(
        http::Verb::post, "/lambda-emu/shutdown",
        [&target](http::Request& request, const http::PathParams&, http::Responder responder) {
            const auto reason = parse_reason(http::query_parameter(request.target(), "reason"));
            if (!reason) {
                responder.send(control_error(http::Status::bad_request, "reason must be spindown, timeout or failure"));
                return;
            }
            std::optional<int> environment;
            if (const auto text = http::query_parameter(request.target(), "environment"); !text.empty()) {
                int id = 0;
                const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
                if (ec != std::errc{} || end != text.data() + text.size()) {
                    responder.send(control_error(http::Status::bad_request, "environment must be a number"));
                    return;
                }
                environment = id;
            }
            ShutdownOrder order{std::nullopt, environment, *reason};
            if (auto function = http::query_parameter(request.target(), "function"); !function.empty()) {
                auto decoded = http::percent_decode(function);
                if (!decoded) {
                    responder.send(control_error(http::Status::bad_request, "function: invalid percent-encoding"));
                    return;
                }
                order.function = std::move(*decoded);
            }
            target.shut_down(std::move(order), [responder, &target](ShutdownOutcome outcome) mutable {
                if (auto* report = std::get_if<std::string>(&outcome)) {
                    responder.send(http::json_response(http::Status::ok, *report), [&target] {
                        give_back_free_memory();
                        target.shutdown_answered();
                    });
                } else {
                    responder.send(control_error(http::Status::not_found, std::get<ShutdownRefused>(outcome).message));
                }
            });
        });
    // Anything else under /lambda-emu/ is an unknown action, said so in words.
    for (const auto verb : {http::Verb::get, http::Verb::post}) {
        router.add(verb, "/lambda-emu/{action}",
                   [](http::Request&, const http::PathParams& params, http::Responder responder) {
                       responder.send(
                           control_error(http::Status::not_found, "unknown control action '" + params[0] +
                                                                      "': use GET /lambda-emu/health, GET "
                                                                      "/lambda-emu/report, POST /lambda-emu/shutdown"));
                   });
    }
}

} // namespace lambda_emu::invoke
