#pragma once
// One lifecycle, several listeners: the console and report, and the Telemetry API's subscribers.
#include "ports.hpp"

#include <vector>

namespace lambda_emu::core {

class ObserverFanout final : public LifecycleObserver {
public:
    explicit ObserverFanout(std::vector<LifecycleObserver*> observers) : observers_{std::move(observers)} {}

    void init_started(InitPhase phase) override
    {
        each([&](auto& o) { o.init_started(phase); });
    }
    void extensions_initialised(const std::vector<Extension>& e) override
    {
        each([&](auto& o) { o.extensions_initialised(e); });
    }
    void init_finished(const InitReport& report) override
    {
        each([&](auto& o) { o.init_finished(report); });
    }
    void invocation_started(const Invocation& invocation) override
    {
        each([&](auto& o) { o.invocation_started(invocation); });
    }
    void runtime_exit_during_invocation(const std::string& id, const std::string& message) override
    {
        each([&](auto& o) { o.runtime_exit_during_invocation(id, message); });
    }
    void runtime_done(const RuntimeDoneReport& report) override
    {
        each([&](auto& o) { o.runtime_done(report); });
    }
    void invocation_finished(const InvocationReport& report) override
    {
        each([&](auto& o) { o.invocation_finished(report); });
    }
    void environment_frozen() override
    {
        each([&](auto& o) { o.environment_frozen(); });
    }
    void environment_thawed() override
    {
        each([&](auto& o) { o.environment_thawed(); });
    }
    void shutdown_started(ShutdownReason reason, bool final) override
    {
        each([&](auto& o) { o.shutdown_started(reason, final); });
    }
    void shutdown_finished(const ShutdownReport& report) override
    {
        each([&](auto& o) { o.shutdown_finished(report); });
    }

private:
    template <class Call> void each(Call call)
    {
        for (auto* observer : observers_) call(*observer);
    }
    std::vector<LifecycleObserver*> observers_;
};

} // namespace lambda_emu::core
