#include "time_axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lambda_emu::report {

namespace {

struct Unit {
    const char* name;
    double ms;
};

// The largest unit the span holds ten of: labels stay within a few digits.
Unit unit_for(double span_ms)
{
    static constexpr Unit kUnits[] = {{"h", 3'600'000}, {"min", 60'000}, {"s", 1'000}};
    for (const auto& unit : kUnits)
        if (span_ms >= 10 * unit.ms) return unit;
    return {"ms", 1};
}

// About eight steps over `span`: 1, 2 or 5 times a power of ten.
double round_step(double span)
{
    const double raw = span / 8;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0})
        if (power * m >= raw * (1 - 1e-9)) return power * m;
    return power * 10;
}

} // namespace

TimeTicks time_ticks(double span_ms)
{
    span_ms = std::max(span_ms, 1.0);
    const Unit unit = unit_for(span_ms);
    const double span = span_ms / unit.ms;
    const double step = round_step(span);
    // As many decimals as the step needs: 0.2 steps read 0.0 0.2 0.4, not 0 0 0.
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    TimeTicks axis{unit.name, {}};
    // Counted, not summed: 0.1 added ten times is not 1.0, and the last tick could go missing.
    const auto count = static_cast<long>(std::floor(span / step + 1e-6));
    for (long i = 0; i <= count; ++i) {
        const double at = static_cast<double>(i) * step;
        char label[32];
        std::snprintf(label, sizeof label, "%.*f", decimals, at);
        axis.ticks.push_back({at * unit.ms, label});
    }
    return axis;
}

} // namespace lambda_emu::report
