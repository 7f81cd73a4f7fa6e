#pragma once
// serve's --event-retries 0|1|2 and --event-retry-delay MS|lambda (host/event_retries.hpp): a
// short delay by default, so that a test sees Lambda's three attempts in a second; `lambda` for
// Lambda's own minute and two.
#include "host/event_retries.hpp"

#include <string>

namespace lambda_emu {

struct ParsedEventRetries {
    EventRetrySettings settings;
    std::string error; // non-empty: one line for the usage error
};

ParsedEventRetries event_retry_settings(int retries, const std::string& first_delay);

} // namespace lambda_emu
