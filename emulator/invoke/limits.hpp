#pragma once
// The Invoke API's payload limits, one definition each: for the route and for `run`'s event files.
#include <cstddef>

namespace lambda_emu::invoke {

// Lambda's quotas for an invocation's request payload (docs/lambda-rules.md §6.2, from the Invoke API
// reference): 6 MB for a synchronous invocation, 1 MB for an asynchronous one (it was
// 256 KB; the deprecated InvokeAsync page still says so). A larger request is refused with
// `413 RequestTooLargeException`.
inline constexpr std::size_t kMaxSyncPayload = 6 * 1024 * 1024; // 6,291,456 bytes
inline constexpr std::size_t kMaxAsyncPayload = 1024 * 1024;    // 1,048,576 bytes

} // namespace lambda_emu::invoke
