#include "event_retry_options.hpp"

#include <charconv>

namespace lambda_emu {

ParsedEventRetries event_retry_settings(int retries, const std::string& first_delay)
{
    ParsedEventRetries parsed;
    // Lambda's MaximumRetryAttempts goes from 0 to 2.
    if (retries < 0 || retries > 2) {
        parsed.error =
            "--event-retries must be 0, 1 or 2 (Lambda's MaximumRetryAttempts); got " + std::to_string(retries);
        return parsed;
    }
    parsed.settings.retries = retries;
    if (first_delay == "lambda") {
        parsed.settings.first_delay = EventRetrySettings::kLambdaFirstDelay;
        return parsed;
    }
    // Up to Lambda's own minute ten times over: past it a retry would only outlast the test.
    constexpr long kMaxDelayMs = 600000;
    long value = -1;
    const auto [end, ec] = std::from_chars(first_delay.data(), first_delay.data() + first_delay.size(), value);
    if (ec != std::errc{} || end != first_delay.data() + first_delay.size() || value < 0 || value > kMaxDelayMs) {
        parsed.error = "--event-retry-delay " + first_delay + ": expected milliseconds from 0 to " +
                       std::to_string(kMaxDelayMs) + ", or lambda (60 s, then 120 s)";
        return parsed;
    }
    parsed.settings.first_delay = core::Millis{value};
    return parsed;
}

} // namespace lambda_emu
