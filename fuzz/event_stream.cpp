// AWS's event-stream framing (http/event_stream.hpp): the decoder the tests read serve's answers
// with takes any bytes, and the encoder and decoder agree on every message either can write.
#include "targets.hpp"

#include "http/event_stream.hpp"

#include <algorithm>
#include <cstdlib>

namespace lambda_emu::fuzz {

namespace {

// A failed property is a finding: abort, as a sanitizer would.
void require(bool property)
{
    if (!property) std::abort();
}

bool all_strings(const http::DecodedEventStreamMessage& message)
{
    return std::all_of(message.headers.begin(), message.headers.end(),
                       [](const auto& header) { return header.type == http::EventStreamValueType::String; });
}

} // namespace

void event_stream(std::string_view input)
{
    // The input as a stream of messages: each one read is either re-encoded to the same bytes
    // (string headers: the only type the encoder writes) or at least consumed whole.
    std::string_view rest = input;
    for (;;) {
        const auto decoded = http::decode_event_stream_message(rest);
        if (decoded.status != http::EventStreamDecoding::Status::Message) {
            require(decoded.status == http::EventStreamDecoding::Status::Incomplete || !decoded.problem.empty());
            break;
        }
        require(decoded.consumed >= 16 && decoded.consumed <= rest.size());
        if (all_strings(decoded.message)) {
            std::vector<http::EventStreamHeader> headers;
            for (const auto& header : decoded.message.headers) headers.emplace_back(header.name, header.value);
            require(http::encode_event_stream_message(headers, decoded.message.payload) ==
                    rest.substr(0, decoded.consumed));
        }
        rest.remove_prefix(decoded.consumed);
    }
    // The input as a payload: what is encoded decodes to itself.
    const auto framed = http::encode_event_stream_message({{":event-type", "PayloadChunk"}}, input);
    const auto back = http::decode_event_stream_message(framed);
    require(back.status == http::EventStreamDecoding::Status::Message && back.message.payload == input &&
            back.consumed == framed.size());
}

} // namespace lambda_emu::fuzz
