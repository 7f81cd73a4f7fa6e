#pragma once
// The ticks of the HTML report's time axes: about eight, at a round step (1, 2 or 5 times a
// power of ten) in a unit that keeps the labels short (milliseconds below 10 s, then seconds,
// minutes, hours), with as many decimals as the step needs and no more: a 4 ms Shutdown phase
// reads 0.0 0.5 1.0 ..., a 2 s one 0 500 1000 ..., a minute 0 10 20 ... s, an hour 0 10 20 ... min.
#include <string>
#include <vector>

namespace lambda_emu::report {

struct Tick {
    double at_ms = 0;  // from the axis's start
    std::string label; // in the axis's unit, without it
};

struct TimeTicks {
    std::string unit; // "ms", "s", "min" or "h"
    std::vector<Tick> ticks;
};

// The ticks from 0 to `span_ms` (at least 1 ms is drawn for anything shorter).
TimeTicks time_ticks(double span_ms);

} // namespace lambda_emu::report
