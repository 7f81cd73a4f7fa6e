#pragma once
// The Telemetry API (2022-07-01) and Logs API (2020-08-15) of one environment: it turns the
// lifecycle and every log line into records, and delivers them to each subscriber's destination
// on the event loop: batched by maxItems, maxBytes and timeoutMs, retried with backoff while the
// listener is not up, dropped (and said so with platform.logsDropped) when a consumer falls
// behind, and flushed at once from the Shutdown phase on (docs/lambda-rules.md §3).
#include "core/function_config.hpp"
#include "core/ports.hpp"
#include "log_event_text.hpp"
#include "telemetry_records.hpp"
#include "telemetry_subscription.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::extensions_api {

class TelemetryHub final : public core::LifecycleObserver {
public:
    // `platform_line` prints a line of Lambda's own (the TELEMETRY line), as text or, with the
    // JSON log format, as the event.
    TelemetryHub(boost::asio::io_context& io, const core::Clock& clock, core::FunctionConfig function,
                 std::function<void(const std::string&)> platform_line);
    ~TelemetryHub() override;
    TelemetryHub(const TelemetryHub&) = delete;
    TelemetryHub& operator=(const TelemetryHub&) = delete;

    void subscribe(const std::string& extension_name, const Subscription& subscription);
    // The subscribers are processes of the environment: while it is frozen nothing is sent to
    // them (a POST to a stopped listener would hang until the thaw); records queue as usual and
    // go out once it is thawed.
    void hold_deliveries();
    void resume_deliveries();
    // A line of the runtime's ("runtime") or an extension's ("ext:NAME") output.
    void log_line(const core::ProcessIdentity& who, std::string_view line);

    void init_started(core::InitPhase phase) override;
    void extensions_initialised(const std::vector<core::Extension>& extensions) override;
    void init_finished(const core::InitReport& report) override;
    void invocation_started(const core::Invocation& invocation) override;
    void runtime_exit_during_invocation(const std::string& request_id, const std::string& message) override;
    void runtime_done(const core::RuntimeDoneReport& done) override;
    void invocation_finished(const core::InvocationReport& report) override;
    void shutdown_started(core::ShutdownReason reason, bool final) override;
    void shutdown_finished(const core::ShutdownReport& report) override;

    class Subscriber;

private:
    enum class Kind { Platform, Function, Extension };
    // To whom an event goes: Telemetry API subscribers, Logs API subscribers (maybe only of the
    // 2021-03-18 schema), by kind.
    struct Audience {
        bool telemetry = true;
        bool logs = false;
        bool logs_2021_only = false;
    };
    // Whether anyone can still receive an event: records are not even built otherwise.
    bool listening() const { return initializing_ || !subscribers_.empty(); }
    void publish(Kind kind, const std::string& type, records::Json record, Audience audience);
    void publish_text(Kind kind, std::string_view event, Audience audience, core::WallTime now);
    void deliver(Subscriber& subscriber, Kind kind, std::string_view event, const Audience& audience,
                 core::WallTime now);
    void publish_logs_only(const std::string& type, records::Json record);

    boost::asio::io_context& io_;
    const core::Clock& clock_;
    core::FunctionConfig function_;
    std::function<void(const std::string&)> platform_line_;
    std::vector<std::shared_ptr<Subscriber>> subscribers_;
    // What happened since Init began: a subscriber (who can subscribe during Init only) gets it
    // all, platform.initStart included, as on Lambda.
    struct Published {
        Kind kind;
        std::string event;
        Audience audience;
        core::WallTime time;
    };
    std::vector<Published> init_backlog_;
    bool initializing_ = false;
    std::vector<records::Json> ready_extensions_; // published between initRuntimeDone and initReport
    bool shutting_down_ = false;
    enum class Deliveries { Open, Held };
    Deliveries deliveries_ = Deliveries::Open;
    LogEventText log_event_text_;
};

} // namespace lambda_emu::extensions_api
