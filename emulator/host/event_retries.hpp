#pragma once
// Lambda's retries of an asynchronous invocation (InvocationType Event): one that ends in a
// function error, a timeout or a crash is run again, twice by default, a minute after the first
// attempt and two minutes after the second, with the same event and the same request id
// (docs/serve.md, "Event retries"). A decorator of any InvocationTarget: it passes every order
// on, and for an Event order watches the outcome and resubmits it after the delay, on a timer of
// the same event loop.
#include "core/clock.hpp"
#include "invoke/invocation_target.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <list>
#include <memory>
#include <string>

namespace lambda_emu {

struct EventRetrySettings {
    int retries = 2;               // Lambda's MaximumRetryAttempts: 0 to 2
    core::Millis first_delay{200}; // before the first retry; the second waits twice as long
    static constexpr core::Millis kLambdaFirstDelay{60000};
};

class EventRetries final : public invoke::InvocationTarget {
public:
    // `say`: one line for people (a retry scheduled, an event given up, a retry dropped).
    EventRetries(boost::asio::io_context& io, invoke::InvocationTarget& target, EventRetrySettings settings,
                 std::function<void(const std::string&)> say);
    ~EventRetries() override;

    invoke::Admission submit(invoke::Order order) override;
    const core::FunctionConfig& function() const override { return target_.function(); }

    // Everything shuts down: the retries still waiting are dropped, each said in a line.
    void drop_pending();
    std::size_t pending() const { return pending_.size(); }

private:
    struct Pending {
        invoke::Order order; // the next attempt
        boost::asio::steady_timer timer;
        core::SteadyTime due;
    };

    invoke::Admission submit_attempt(invoke::Order order);
    void attempt_ended(invoke::Order next, const core::InvokeResult& result);
    void send(std::list<Pending>::iterator pending);

    boost::asio::io_context& io_;
    invoke::InvocationTarget& target_;
    EventRetrySettings settings_;
    std::function<void(const std::string&)> say_;
    std::list<Pending> pending_;
    // An attempt's end can be reported after this decorator is gone (the pool interrupts what
    // runs as it is destroyed): the callbacks hold this and do nothing once it has expired.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace lambda_emu
