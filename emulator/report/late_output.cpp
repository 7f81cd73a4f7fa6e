#include "late_output.hpp"

namespace lambda_emu::report {

namespace {

std::string lines(std::uint64_t count)
{
    return std::to_string(count) + (count == 1 ? " line" : " lines");
}

} // namespace

std::string late_output_diagnostic(const LateOutput& late, const std::string& request_id, bool frozen)
{
    if (late.after_end + late.after_thaw == 0) return {};
    std::string text = "invocation " + request_id + ": ";
    if (frozen) {
        std::string counts;
        if (late.after_end > 0) counts = lines(late.after_end) + " printed after it ended, before the freeze";
        if (late.after_thaw > 0) {
            counts += (counts.empty() ? "" : ", ") + lines(late.after_thaw) + " right after the thaw";
        }
        text += counts + " (first: '" + late.first_line + "')";
    } else {
        text += lines(late.after_end + late.after_thaw) + " printed while the environment was idle (first: '" +
                late.first_line + "')";
    }
    text += ": work continued after the response (an un-awaited promise, a timer, a background thread or flush)";
    text += frozen ? "; Lambda freezes the environment once the invocation is over, so such work runs only when "
                     "the next invocation thaws it, or never"
                   : "; with --no-freeze it ran on, but Lambda freezes the environment here: on Lambda it would run "
                     "only when the next invocation thaws it, or never";
    return text;
}

} // namespace lambda_emu::report
