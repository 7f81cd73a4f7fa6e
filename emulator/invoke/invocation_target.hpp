#pragma once
// What the invoke and control endpoints need from whoever runs the environments (the environment
// pool), so this folder knows HTTP and the core but not the wiring.
#include "core/function_config.hpp"
#include "core/invocation.hpp"
#include "core/shutdown.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace lambda_emu::invoke {

struct Order {
    core::InvokeRequest request;
    std::string source;          // how it came, for the report ("RequestResponse", "Event")
    bool wants_log_tail = false; // answer only at the invocation's end, with its log
    int attempt = 1;             // an asynchronous event's: 2 and 3 are Lambda's retries
    // Called once: with the caller's answer, and the invocation's log when wants_log_tail.
    std::function<void(const core::InvokeResult&, const std::string& log)> on_done;
    // Called instead when a queued order is dropped because everything shuts down.
    std::function<void()> on_dropped;
};

enum class Admission { Accepted, Queued, Busy, ShuttingDown, Unavailable };

class InvocationTarget {
public:
    virtual ~InvocationTarget() = default;
    virtual Admission submit(Order order) = 0;
    virtual const core::FunctionConfig& function() const = 0;
};

// What POST /lambda-emu/shutdown asks: everything (serve then exits), every environment of one
// function, or one environment (of the one function served, or of `function`).
struct ShutdownOrder {
    std::optional<std::string> function; // a FunctionName or logical ID
    std::optional<int> environment;
    core::ShutdownReason reason = core::ShutdownReason::Spindown;
};
// The report once the Shutdown phases have ended, or why nothing was shut down.
struct ShutdownRefused {
    std::string message;
};
using ShutdownOutcome = std::variant<std::string, ShutdownRefused>;

class ControlTarget {
public:
    virtual ~ControlTarget() = default;
    virtual void shut_down(ShutdownOrder order, std::function<void(ShutdownOutcome)> done) = 0;
    // The answer to a shutdown is on the wire: `serve` may exit now if it was the last.
    virtual void shutdown_answered() {}
    virtual std::string report_json() const = 0;
    virtual std::string health_json() const = 0;
};

} // namespace lambda_emu::invoke
