#pragma once
// What each fuzz target does with one input, as plain functions: the libFuzzer entry points in
// *_fuzzer.cpp call them, and tests/unit/fuzz_regressions_test.cpp replays every input saved in
// fuzz/regressions/<target>/ through the very same function.
#include "api_world.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu::fuzz {

// http_apis: see api_world.hpp.
inline Exchange http_apis(std::string_view input)
{
    return exchange(input);
}

// json_bodies: the first byte picks the reader, the rest is the document (json_bodies.cpp).
void json_bodies(std::string_view input);

// percent_decoding: the raw {name} of the Invoke API's path, then optionally '\n' and the raw
// query string; addressed as the route does, and answered as it does when nothing matches.
void percent_decoding(std::string_view input);

// line_reader: the bytes a child writes, through a real pipe and process::LineReader, each line
// then handed to the Telemetry API's hub as EnvironmentHost does. Returns the lines read.
std::vector<std::string> line_reader(std::string_view input);
// The lines `input` must give: split at '\n', one '\r' before it dropped, a non-empty tail last.
std::vector<std::string> expected_lines(std::string_view input);

// event_stream: the bytes as a stream of event-stream messages, decoded (each message re-encoded
// to the same bytes), and as a payload encoded and decoded again; aborts when they disagree.
void event_stream(std::string_view input);

} // namespace lambda_emu::fuzz
