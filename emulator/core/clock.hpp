#pragma once
// Time for the lifecycle. Deadlines are enforced on the steady clock; Lambda hands them to
// runtimes and extensions as epoch milliseconds, so both views come from one object.
#include <chrono>
#include <cstdint>

namespace lambda_emu::core {

using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
public:
    virtual ~Clock() = default;
    virtual SteadyTime now() const = 0;
    // The wall-clock instant of a steady time point, so `Lambda-Runtime-Deadline-Ms` names the
    // same instant the emulator's timer fires at.
    virtual WallTime to_wall(SteadyTime t) const = 0;

    std::int64_t epoch_ms(SteadyTime t) const
    {
        return std::chrono::duration_cast<Millis>(to_wall(t).time_since_epoch()).count();
    }
};

// The real clock: anchors the steady clock to the wall clock once, at construction.
class SystemClock final : public Clock {
public:
    SystemClock() : steady_anchor_{std::chrono::steady_clock::now()}, wall_anchor_{std::chrono::system_clock::now()} {}
    SteadyTime now() const override { return std::chrono::steady_clock::now(); }
    WallTime to_wall(SteadyTime t) const override
    {
        return wall_anchor_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(t - steady_anchor_);
    }

private:
    SteadyTime steady_anchor_;
    WallTime wall_anchor_;
};

// Milliseconds as a double, for reports with sub-millisecond resolution.
inline double to_ms(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

} // namespace lambda_emu::core
