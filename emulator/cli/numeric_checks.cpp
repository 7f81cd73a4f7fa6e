#include "numeric_checks.hpp"

#include <cmath>
#include <cstdio>

namespace lambda_emu {

namespace {

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

} // namespace

std::optional<std::string> out_of_range(std::string_view option, double value, Range range, std::string_view unit,
                                        std::string_view note)
{
    const bool above_low = range.low_excluded ? value > range.low : value >= range.low;
    if (std::isfinite(value) && above_low && value <= range.high) return std::nullopt;
    std::string line{option};
    line += range.low_excluded ? " must be more than " + number(range.low) + " and at most " + number(range.high)
                               : " must be between " + number(range.low) + " and " + number(range.high);
    line.append(" ").append(unit);
    if (!note.empty()) line.append(" (").append(note).append(")");
    return line + "; got " + number(value);
}

} // namespace lambda_emu
