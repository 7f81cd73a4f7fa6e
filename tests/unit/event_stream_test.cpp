// AWS's event-stream framing, against the byte vectors of AWS's own C library's tests
// (awslabs/aws-c-event-stream, tests/message_deserializer_test.c).
#include "http/event_stream.hpp"

#include <boost/crc.hpp>
#include <doctest/doctest.h>

#include <string>

using namespace lambda_emu;

namespace {

std::string bytes(std::initializer_list<unsigned> values)
{
    std::string out;
    for (const unsigned v : values) out.push_back(static_cast<char>(v));
    return out;
}

// A message with no headers and no payload.
const std::string kEmpty =
    bytes({0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff});
// The payload {'foo':'bar'}, no headers.
const std::string kNoHeaders =
    bytes({0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, 0x7b, 0x27, 0x66,
           0x6f, 0x6f, 0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0xc3, 0x65, 0x39, 0x36});
// The same payload with one string header, content-type: application/json.
const std::string kOneHeader = bytes({0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00, 0x20, 0x07, 0xfd, 0x83, 0x96}) +
                               std::string{"\x0c"
                                           "content-type"
                                           "\x07\x00\x10"
                                           "application/json"
                                           "{'foo':'bar'}",
                                           45} +
                               bytes({0x8d, 0x9c, 0x08, 0xb1});

// A message framed by hand with correct CRCs around whatever lengths and bytes it is given.
std::string frame(std::uint32_t total, std::uint32_t headers_length, const std::string& rest)
{
    std::string out;
    const auto put = [&out](std::uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
    };
    const auto crc = [](const std::string& text) {
        boost::crc_32_type crc;
        crc.process_bytes(text.data(), text.size());
        return crc.checksum();
    };
    put(total);
    put(headers_length);
    put(crc(out));
    out += rest;
    put(crc(out));
    return out;
}

http::EventStreamDecoding decode(const std::string& message)
{
    return http::decode_event_stream_message(message);
}

} // namespace

TEST_CASE("event-stream messages are encoded byte for byte as AWS's own library encodes them")
{
    CHECK(http::encode_event_stream_message({}, "") == kEmpty);
    CHECK(http::encode_event_stream_message({}, "{'foo':'bar'}") == kNoHeaders);
    CHECK(http::encode_event_stream_message({{"content-type", "application/json"}}, "{'foo':'bar'}") == kOneHeader);
}

TEST_CASE("AWS's example messages decode to their headers and payload")
{
    const auto empty = decode(kEmpty);
    REQUIRE(empty.status == http::EventStreamDecoding::Status::Message);
    CHECK(empty.consumed == 16);
    CHECK(empty.message.headers.empty());
    CHECK(empty.message.payload.empty());

    const auto one = decode(kOneHeader + kNoHeaders); // a stream: the first message only
    REQUIRE(one.status == http::EventStreamDecoding::Status::Message);
    CHECK(one.consumed == kOneHeader.size());
    REQUIRE(one.message.headers.size() == 1);
    CHECK(one.message.headers[0].name == "content-type");
    CHECK(one.message.headers[0].type == http::EventStreamValueType::String);
    CHECK(one.message.header("content-type") == "application/json");
    CHECK(one.message.payload == "{'foo':'bar'}");
}

TEST_CASE("Lambda's events round-trip: a binary payload and the three headers")
{
    const std::string payload{"\x00\xff\r\n chunk", 10};
    const auto message = http::encode_event_stream_message(
        {{":event-type", "PayloadChunk"}, {":content-type", "application/octet-stream"}, {":message-type", "event"}},
        payload);
    const auto decoded = decode(message);
    REQUIRE(decoded.status == http::EventStreamDecoding::Status::Message);
    CHECK(decoded.message.header(":event-type") == "PayloadChunk");
    CHECK(decoded.message.header(":content-type") == "application/octet-stream");
    CHECK(decoded.message.header(":message-type") == "event");
    CHECK(decoded.message.payload == payload);
}

TEST_CASE("a message not all here yet is incomplete, and a damaged one is refused with its reason")
{
    CHECK(decode(kOneHeader.substr(0, 11)).status == http::EventStreamDecoding::Status::Incomplete);
    CHECK(decode(kOneHeader.substr(0, kOneHeader.size() - 1)).status == http::EventStreamDecoding::Status::Incomplete);

    auto prelude = kOneHeader;
    prelude[3] = 0x3e; // the length no longer matches the prelude's CRC
    CHECK(decode(prelude).problem == "the prelude's CRC does not match");

    auto payload = kOneHeader;
    payload[payload.size() - 6] ^= 0x01; // a flipped payload bit
    CHECK(decode(payload).problem == "the message's CRC does not match");

    // Lengths and CRCs right, contents wrong.
    CHECK(decode(frame(16 - 4, 0, "")).problem == "a message length out of range");
    CHECK(decode(frame(16, 1, "")).problem == "headers longer than the message");
    CHECK(decode(frame(16 + 6, 6, std::string{"\x04name\x07", 6})).problem == "a header cut short");
    CHECK(decode(frame(16 + 7, 7, std::string{"\x04name\x0a\x00", 7})).problem == "a header of unknown type");
    CHECK(decode(frame(16 + 2, 2, std::string{"\x00\x00", 2})).problem == "a header with an empty name");
}
