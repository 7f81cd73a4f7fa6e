#pragma once
// A core::Environment on the unit tests' fake ports (tests/unit/fake_ports.hpp): no processes,
// timers that never fire, a clock that stands still. Identifiers are UUIDs, as the Extensions API
// requires, and predictable, so an input can name them: the n-th is
// 00000000-0000-4000-8000-00000000000n (kFirstId is the first).
#include "fake_ports.hpp"

#include <cstdio>
#include <string>

namespace lambda_emu::fuzz {

inline constexpr const char* kFirstId = "00000000-0000-4000-8000-000000000001";

struct FakeEnvironment {
    explicit FakeEnvironment(core::LifecycleObserver& observer)
        : environment{config, {}, core::DebugMode::Off, core::Ports{clock, processes, timers, observer, [this] {
                                                                        return next_id();
                                                                    }}}
    {
    }

    std::string next_id()
    {
        char id[40];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", ++issued);
        return id;
    }

    static core::FunctionConfig function_config()
    {
        core::FunctionConfig config;
        config.name = "fn";
        return config;
    }

    testing::FakeClock clock;
    testing::FakeTimers timers;
    testing::FakeProcesses processes;
    core::FunctionConfig config = function_config();
    int issued = 0;
    core::Environment environment;
};

} // namespace lambda_emu::fuzz
