#include "telemetry_hub.hpp"
#include "core/json_text.hpp"

#include "http/client.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <deque>

namespace lambda_emu::extensions_api {

namespace {

// A subscriber may fall this far behind (in buffered bytes, as a multiple of its maxBytes)
// before its records are dropped.
constexpr int kBufferedBatches = 4;
constexpr std::chrono::milliseconds kFirstRetry{25};
constexpr std::chrono::milliseconds kLongestRetry{1000};

} // namespace

// One subscriber's queue and its delivery, one batch at a time. Events are queued as the text of
// the batches they will go out in (a JSON array over HTTP, newline-delimited JSON over TCP), so
// an event is copied once on its way in and a batch is sent as it stands.
class TelemetryHub::Subscriber : public std::enable_shared_from_this<Subscriber> {
public:
    Subscriber(boost::asio::io_context& io, std::string name, Subscription subscription)
        : io_{io}, name_{std::move(name)}, subscription_{std::move(subscription)}, timer_{io}
    {
    }

    const Subscription& subscription() const { return subscription_; }
    const std::string& name() const { return name_; }

    void add(std::string_view event, bool urgent, core::WallTime now)
    {
        const std::size_t limit = max_bytes() * kBufferedBatches;
        if (queued_bytes() + event.size() > limit) {
            if (dropped_records_ == 0) first_dropped_at_ = now;
            ++dropped_records_;
            dropped_bytes_ += event.size();
            return;
        }
        append(event);
        urgent_ = urgent_ || urgent;
        schedule();
    }

    // While the environment is frozen: queue, but send nothing (a batch already on its way
    // completes at the thaw, when the listener reads it).
    void hold()
    {
        held_ = true;
        timer_.cancel();
        timer_armed_ = false;
    }
    void resume()
    {
        held_ = false;
        schedule();
    }

    void flush_now()
    {
        urgent_ = true;
        schedule();
    }

    void stop()
    {
        stopped_ = true;
        timer_.cancel();
        if (tcp_) tcp_->close();
    }

private:
    // A batch as it will be sent, less its closing bracket over HTTP.
    struct Batch {
        std::string text;
        std::size_t events = 0;
        std::size_t bytes = 0; // the events' own bytes, as maxBytes counts them
    };

    bool http() const { return subscription_.destination.protocol == Destination::Protocol::Http; }
    std::size_t max_items() const { return static_cast<std::size_t>(subscription_.buffering.max_items); }
    std::size_t max_bytes() const { return static_cast<std::size_t>(subscription_.buffering.max_bytes); }

    // At most kBufferedBatches + 1 batches: summed, not kept in step by hand.
    std::size_t queued_bytes() const
    {
        std::size_t bytes = 0;
        for (const auto& batch : batches_) bytes += batch.bytes;
        return bytes;
    }

    void append(std::string_view event)
    {
        if (batches_.empty() || batches_.back().events >= max_items() ||
            batches_.back().bytes + event.size() > max_bytes()) {
            batches_.emplace_back();
            if (http()) batches_.back().text.push_back('[');
        }
        auto& batch = batches_.back();
        if (http() && batch.events > 0) batch.text.push_back(',');
        batch.text.append(event);
        if (!http()) batch.text.push_back('\n');
        ++batch.events;
        batch.bytes += event.size();
    }

    bool batch_is_full() const
    {
        return batches_.size() > 1 || batches_.front().events >= max_items() || batches_.front().bytes >= max_bytes();
    }

    void schedule()
    {
        if (stopped_ || held_ || sending_ || batches_.empty()) return;
        if (urgent_ || batch_is_full()) {
            send();
            return;
        }
        if (timer_armed_) return;
        arm(std::chrono::milliseconds{subscription_.buffering.timeout_ms});
    }

    void arm(std::chrono::milliseconds delay)
    {
        timer_armed_ = true;
        timer_.expires_after(delay);
        timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            self->timer_armed_ = false;
            if (!self->batches_.empty() && !self->sending_ && !self->held_) self->send();
        });
    }

    void send()
    {
        timer_.cancel();
        timer_armed_ = false;
        Batch batch = std::move(batches_.front());
        batches_.pop_front();
        if (dropped_records_ > 0) {
            // Say what was lost, first thing in the next batch.
            if (subscription_.platform) {
                const std::string notice =
                    core::json_text(records::event(first_dropped_at_, "platform.logsDropped",
                                                   records::logs_dropped(dropped_bytes_, dropped_records_)));
                if (http()) batch.text.insert(1, notice + ",");
                else batch.text.insert(0, notice + "\n");
            }
            dropped_records_ = 0;
            dropped_bytes_ = 0;
        }
        if (http()) batch.text.push_back(']');
        sending_ = true;
        auto body = std::make_shared<std::string>(std::move(batch.text));
        auto done = [weak = weak_from_this(), body, events = batch.events, bytes = batch.bytes](bool ok) {
            auto self = weak.lock();
            if (!self || self->stopped_) return;
            self->sending_ = false;
            if (ok) {
                self->failures_ = 0;
                self->schedule();
                return;
            }
            // Not up yet, or failing: keep the batch (a notice of drops included) and try again later.
            Batch again{*body, events, bytes};
            if (self->http()) again.text.pop_back();
            self->batches_.push_front(std::move(again));
            ++self->failures_;
            // Backing off is for the long run; in the Shutdown phase the extension's deadline is near.
            self->arm(self->urgent_ ? kFirstRetry
                                    : std::min(kLongestRetry, kFirstRetry * (1 << std::min(self->failures_, 6))));
        };
        if (http()) {
            http::post_once(io_, subscription_.destination.port, subscription_.destination.path, std::move(body),
                            std::move(done));
        } else {
            if (!tcp_) tcp_ = std::make_shared<http::ByteStream>(io_, subscription_.destination.port);
            tcp_->send(std::move(body), std::move(done));
        }
    }

    boost::asio::io_context& io_;
    std::string name_;
    Subscription subscription_;
    boost::asio::steady_timer timer_;
    std::deque<Batch> batches_;
    std::size_t dropped_records_ = 0;
    std::size_t dropped_bytes_ = 0;
    core::WallTime first_dropped_at_{};
    bool sending_ = false;
    bool timer_armed_ = false;
    bool urgent_ = false;
    bool stopped_ = false;
    bool held_ = false; // the environment is frozen
    int failures_ = 0;
    std::shared_ptr<http::ByteStream> tcp_;
};

TelemetryHub::TelemetryHub(boost::asio::io_context& io, const core::Clock& clock, core::FunctionConfig function,
                           std::function<void(const std::string&)> platform_line)
    : io_{io}, clock_{clock}, function_{std::move(function)}, platform_line_{std::move(platform_line)}
{
}

TelemetryHub::~TelemetryHub()
{
    for (auto& subscriber : subscribers_) subscriber->stop();
}

void TelemetryHub::hold_deliveries()
{
    deliveries_ = Deliveries::Held;
    for (auto& subscriber : subscribers_) subscriber->hold();
}

void TelemetryHub::resume_deliveries()
{
    deliveries_ = Deliveries::Open;
    for (auto& subscriber : subscribers_) subscriber->resume();
}

void TelemetryHub::subscribe(const std::string& extension_name, const Subscription& subscription)
{
    const bool logs = subscription.api == TelemetryApi::Logs;
    // Subscribing again replaces the earlier subscription of the same API (it is idempotent).
    subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(),
                                      [&](const auto& s) {
                                          return s->subscription().api == subscription.api &&
                                                 s->name() == extension_name;
                                      }),
                       subscribers_.end());
    auto subscriber = std::make_shared<Subscriber>(io_, extension_name, subscription);
    if (deliveries_ == Deliveries::Held) subscriber->hold();
    for (const auto& published : init_backlog_)
        deliver(*subscriber, published.kind, published.event, published.audience, published.time);
    subscribers_.push_back(std::move(subscriber));
    std::string types;
    for (const auto& [wanted, label] :
         {std::pair{subscription.platform, "Platform"}, std::pair{subscription.function, "Function"},
          std::pair{subscription.extension, "Extension"}}) {
        if (wanted) types += (types.empty() ? "" : ", ") + std::string{label};
    }
    auto record =
        records::subscription(extension_name, subscription.platform, subscription.function, subscription.extension);
    const char* type = logs ? "platform.logsSubscription" : "platform.telemetrySubscription";
    platform_line_(function_.log_format == "JSON"
                       ? core::json_text(records::event(clock_.to_wall(clock_.now()), type, record))
                       : std::string{logs ? "LOGS" : "TELEMETRY"} + "\tName: " + extension_name +
                             "\tState: Subscribed\tTypes: [" + types + "]");
    if (logs) publish_logs_only("platform.logsSubscription", record);
    else publish(Kind::Platform, "platform.telemetrySubscription", record, Audience{true, false, false});
}

void TelemetryHub::publish(Kind kind, const std::string& type, records::Json record, Audience audience)
{
    const core::WallTime now = clock_.to_wall(clock_.now());
    publish_text(kind, core::json_text(records::event(now, type, std::move(record))), audience, now);
}

void TelemetryHub::publish_text(Kind kind, std::string_view event, Audience audience, core::WallTime now)
{
    for (auto& subscriber : subscribers_) deliver(*subscriber, kind, event, audience, now);
    if (initializing_) init_backlog_.push_back(Published{kind, std::string{event}, audience, now});
}

void TelemetryHub::deliver(Subscriber& subscriber, Kind kind, std::string_view event, const Audience& audience,
                           core::WallTime now)
{
    const auto& subscription = subscriber.subscription();
    const bool logs = subscription.api == TelemetryApi::Logs;
    if (logs ? !audience.logs : !audience.telemetry) return;
    if (logs && audience.logs_2021_only && subscription.schema_version != "2021-03-18") return;
    const bool wanted = kind == Kind::Platform   ? subscription.platform
                        : kind == Kind::Function ? subscription.function
                                                 : subscription.extension;
    if (wanted) subscriber.add(event, shutting_down_, now);
}

void TelemetryHub::publish_logs_only(const std::string& type, records::Json record)
{
    publish(Kind::Platform, type, std::move(record), Audience{false, true, false});
}

void TelemetryHub::log_line(const core::ProcessIdentity& who, std::string_view line)
{
    if (!listening()) return;
    const bool from_runtime = who.is_runtime();
    const core::WallTime now = clock_.to_wall(clock_.now());
    publish_text(from_runtime ? Kind::Function : Kind::Extension,
                 log_event_text_.write(now, from_runtime ? "function" : "extension", line), Audience{true, true, false},
                 now);
}

void TelemetryHub::init_started(core::InitPhase phase)
{
    // A new Init starts new extension processes, which subscribe anew.
    for (auto& subscriber : subscribers_) subscriber->stop();
    subscribers_.clear();
    shutting_down_ = false;
    init_backlog_.clear();
    initializing_ = true;
    publish(Kind::Platform, "platform.initStart", records::init_start(phase, function_.name, function_.version), {});
}

void TelemetryHub::extensions_initialised(const std::vector<core::Extension>& extensions)
{
    for (const auto& extension : extensions) {
        if (extension.registered()) ready_extensions_.push_back(records::extension(extension));
    }
}

// RAPID's order: initStart, initRuntimeDone, one platform.extension each, initReport (docs/lambda-rules.md §3.4).
void TelemetryHub::init_finished(const core::InitReport& report)
{
    publish(Kind::Platform, "platform.initRuntimeDone", records::init_runtime_done(report), {});
    for (auto& extension : ready_extensions_) {
        publish(Kind::Platform, "platform.extension", std::move(extension), Audience{true, true, false});
    }
    ready_extensions_.clear();
    publish(Kind::Platform, "platform.initReport", records::init_report(report), {});
    initializing_ = false;
    init_backlog_.clear();
}

void TelemetryHub::invocation_started(const core::Invocation& invocation)
{
    if (!listening()) return;
    publish(Kind::Platform, "platform.start", records::start(invocation, function_.version),
            Audience{true, true, false});
}

void TelemetryHub::runtime_exit_during_invocation(const std::string&, const std::string& message)
{
    if (!listening()) return;
    publish_logs_only("platform.fault", records::Json(message));
}

void TelemetryHub::runtime_done(const core::RuntimeDoneReport& done)
{
    if (!listening()) return;
    publish(Kind::Platform, "platform.runtimeDone", records::runtime_done(done, clock_), Audience{true, true, true});
}

void TelemetryHub::invocation_finished(const core::InvocationReport& report)
{
    if (!listening()) return;
    publish_logs_only("platform.end", records::end(report.request_id));
    publish(Kind::Platform, "platform.report", records::report(report), Audience{true, true, false});
}

void TelemetryHub::shutdown_started(core::ShutdownReason, bool)
{
    // From now on every record goes out at once: the extensions have until their deadline.
    shutting_down_ = true;
    for (auto& subscriber : subscribers_) subscriber->flush_now();
}

void TelemetryHub::shutdown_finished(const core::ShutdownReport&)
{
    for (auto& subscriber : subscribers_) subscriber->stop();
    subscribers_.clear();
}

} // namespace lambda_emu::extensions_api
