#pragma once
// Numbers from the command line: finite and within a range, or one line saying what is allowed.
// (CLI11's Range lets NaN through: every comparison with NaN is false.)
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu {

// The shutdown overrides exist to test margins; past ten minutes they only overflow deadlines.
inline constexpr double kMaxShutdownOverrideMs = 600000;

struct Range {
    double low;
    double high;
    bool low_excluded; // "more than low" rather than "at least low"

    static constexpr Range between(double low, double high) { return {low, high, false}; }
    static constexpr Range above(double low, double high) { return {low, high, true}; }
};

// nullopt when `value` is finite and in `range`; else "OPTION must be ... UNIT (NOTE); got VALUE".
std::optional<std::string> out_of_range(std::string_view option, double value, Range range, std::string_view unit,
                                        std::string_view note = {});

} // namespace lambda_emu
