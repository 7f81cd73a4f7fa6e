#pragma once
// AWS Lambda's InvokeWithResponseStream on POST /2021-11-15/functions/{name}/response-streaming-invocations
// (docs/lambda-rules.md §6.2; the API reference's API_InvokeWithResponseStream): the same request as
// Invoke's (name, qualifier and ARN forms, X-Amz-Log-Type, X-Amz-Client-Context; RequestResponse
// or DryRun), answered 200 `application/vnd.amazon.eventstream`: a PayloadChunk event for each
// piece the runtime streams, as it arrives, then one InvokeComplete event.
#include "core/invocation.hpp"
#include "http/router.hpp"
#include "function_directory.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace lambda_emu::invoke {

void add_response_stream_routes(http::Router& router, const FunctionDirectory& functions,
                                std::function<std::string()> new_trace_id);

// The events as framed on the wire (http/event_stream.hpp), for the route and its tests.
// A piece of the function's answer: its bytes as the payload.
std::string payload_chunk_event(std::string_view bytes);
// The end: `{"ErrorCode", "ErrorDetails"}` when the invocation failed, `"LogResult"` (base64 of
// the log's last 4 KB) when the caller asked for the tail; `{}` for a success without the tail.
std::string invoke_complete_event(const core::InvokeResult& result, const std::string* log);

} // namespace lambda_emu::invoke
