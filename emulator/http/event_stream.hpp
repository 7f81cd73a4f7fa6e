#pragma once
// AWS's binary event-stream encoding (`application/vnd.amazon.eventstream`), in which
// InvokeWithResponseStream answers and the SDKs read. A message is
//   prelude: total length (u32), headers length (u32), CRC32 of those 8 bytes (u32)
//   headers: name length (u8), name, value type (u8), value (a string, type 7: u16 length, bytes)
//   payload
//   CRC32 of everything before it (u32)
// all integers big-endian, CRC32 the one of gzip and zlib (Boost.CRC's crc_32_type).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lambda_emu::http {

// A header the encoder writes: always a string (type 7), as every header of Lambda's events is.
using EventStreamHeader = std::pair<std::string_view, std::string_view>;

// One framed message. Names are at most 255 bytes and values 65,535 (the format's limits);
// longer ones are cut there, which no header of ours comes near.
std::string encode_event_stream_message(const std::vector<EventStreamHeader>& headers, std::string_view payload);

// The encoder writes type 7 only; the decoder reads every type the format defines, so that it
// can check AWS's own example messages.
enum class EventStreamValueType : std::uint8_t {
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Int16 = 3,
    Int32 = 4,
    Int64 = 5,
    ByteArray = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
};

struct DecodedEventStreamHeader {
    std::string name;
    EventStreamValueType type = EventStreamValueType::String;
    std::string value; // the bytes as sent: big-endian for numbers, empty for booleans
};

struct DecodedEventStreamMessage {
    std::vector<DecodedEventStreamHeader> headers;
    std::string payload;
    // The value of the first string header with this name ("" when there is none).
    std::string header(std::string_view name) const;
};

// Reading the front of a byte stream: a whole message, not all of one yet, or bytes that can
// never be one (a bad length, a CRC that does not match, a header cut short or of no known type).
struct EventStreamDecoding {
    enum class Status { Message, Incomplete, Invalid } status = Status::Incomplete;
    DecodedEventStreamMessage message; // when Message
    std::size_t consumed = 0;          // when Message: the bytes it took
    std::string problem;               // when Invalid: what is wrong, in a few words
};
EventStreamDecoding decode_event_stream_message(std::string_view bytes);

// The longest message the decoder takes: aws-c-event-stream's limit, 16 MiB.
inline constexpr std::size_t kMaxEventStreamMessage = 16 * 1024 * 1024;

} // namespace lambda_emu::http
