#pragma once
// How an order reaches the HTTP exchange that placed it, for every invoke route: the pieces a
// streaming runtime writes (with back-pressure), the end, or the drop. `Caller` is the route's own
// exchange, with write(chunk), when_ready(resume), finish(result, log, with_log) and drop().
#include "invocation_target.hpp"

#include "core/invocation.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace lambda_emu::invoke {

template <typename Caller> core::ChunkSink chunk_sink_of(const std::shared_ptr<Caller>& caller)
{
    return core::ChunkSink{[caller](std::string_view chunk) { return caller->write(chunk); },
                           [caller](std::function<void()> resume) { caller->when_ready(std::move(resume)); }};
}

template <typename Caller> void tell_on_end(Order& order, const std::shared_ptr<Caller>& caller)
{
    order.on_done = [caller, with_log = order.wants_log_tail](const core::InvokeResult& result,
                                                              const std::string& log) {
        caller->finish(result, log, with_log);
    };
    order.on_dropped = [caller] { caller->drop(); };
}

} // namespace lambda_emu::invoke
