#include "event_stream.hpp"

#include <boost/crc.hpp>

#include <algorithm>
#include <optional>

namespace lambda_emu::http {

namespace {

constexpr std::size_t kPreludeBytes = 12; // total length, headers length, prelude CRC
constexpr std::size_t kCrcBytes = 4;

std::uint32_t crc32(std::string_view bytes)
{
    boost::crc_32_type crc;
    crc.process_bytes(bytes.data(), bytes.size());
    return crc.checksum();
}

void put_u32(std::string& out, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

std::uint32_t read_be(std::string_view bytes, std::size_t at, std::size_t width)
{
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

// The value's size for the fixed-width types; nothing for those with a length of their own.
std::optional<std::size_t> fixed_width(EventStreamValueType type)
{
    switch (type) {
    case EventStreamValueType::BoolTrue:
    case EventStreamValueType::BoolFalse: return 0;
    case EventStreamValueType::Byte: return 1;
    case EventStreamValueType::Int16: return 2;
    case EventStreamValueType::Int32: return 4;
    case EventStreamValueType::Int64:
    case EventStreamValueType::Timestamp: return 8;
    case EventStreamValueType::Uuid: return 16;
    case EventStreamValueType::ByteArray:
    case EventStreamValueType::String: return std::nullopt;
    }
    return std::nullopt;
}

EventStreamDecoding invalid(std::string problem)
{
    EventStreamDecoding decoding;
    decoding.status = EventStreamDecoding::Status::Invalid;
    decoding.problem = std::move(problem);
    return decoding;
}

// The header block, which the message's lengths and CRC already vouch for as a whole.
std::optional<std::string> read_headers(std::string_view block, std::vector<DecodedEventStreamHeader>& headers)
{
    std::size_t at = 0;
    while (at < block.size()) {
        const std::size_t name_length = static_cast<unsigned char>(block[at++]);
        if (name_length == 0) return "a header with an empty name";
        if (block.size() - at < name_length + 1) return "a header cut short";
        DecodedEventStreamHeader header;
        header.name.assign(block.substr(at, name_length));
        at += name_length;
        const auto type_byte = static_cast<unsigned char>(block[at++]);
        if (type_byte > static_cast<unsigned char>(EventStreamValueType::Uuid)) return "a header of unknown type";
        header.type = static_cast<EventStreamValueType>(type_byte);
        std::size_t value_length = 0;
        if (const auto width = fixed_width(header.type)) {
            value_length = *width;
        } else {
            if (block.size() - at < 2) return "a header cut short";
            value_length = read_be(block, at, 2);
            at += 2;
        }
        if (block.size() - at < value_length) return "a header cut short";
        header.value.assign(block.substr(at, value_length));
        at += value_length;
        headers.push_back(std::move(header));
    }
    return std::nullopt;
}

} // namespace

std::string encode_event_stream_message(const std::vector<EventStreamHeader>& headers, std::string_view payload)
{
    std::string header_block;
    for (auto [name, value] : headers) {
        name = name.substr(0, 255);
        value = value.substr(0, 65535);
        header_block.push_back(static_cast<char>(name.size()));
        header_block.append(name);
        header_block.push_back(static_cast<char>(EventStreamValueType::String));
        header_block.push_back(static_cast<char>((value.size() >> 8) & 0xff));
        header_block.push_back(static_cast<char>(value.size() & 0xff));
        header_block.append(value);
    }
    const std::size_t total = kPreludeBytes + header_block.size() + payload.size() + kCrcBytes;
    std::string message;
    message.reserve(total);
    put_u32(message, static_cast<std::uint32_t>(total));
    put_u32(message, static_cast<std::uint32_t>(header_block.size()));
    put_u32(message, crc32(message));
    message.append(header_block);
    message.append(payload);
    put_u32(message, crc32(message));
    return message;
}

std::string DecodedEventStreamMessage::header(std::string_view name) const
{
    const auto found = std::find_if(headers.begin(), headers.end(), [name](const auto& header) {
        return header.name == name && header.type == EventStreamValueType::String;
    });
    return found == headers.end() ? std::string{} : found->value;
}

EventStreamDecoding decode_event_stream_message(std::string_view bytes)
{
    if (bytes.size() < kPreludeBytes) return {};
    const std::size_t total = read_be(bytes, 0, 4);
    const std::size_t headers_length = read_be(bytes, 4, 4);
    if (read_be(bytes, 8, 4) != crc32(bytes.substr(0, 8))) return invalid("the prelude's CRC does not match");
    if (total < kPreludeBytes + kCrcBytes || total > kMaxEventStreamMessage)
        return invalid("a message length out of range");
    if (headers_length > total - kPreludeBytes - kCrcBytes) return invalid("headers longer than the message");
    if (bytes.size() < total) return {};
    if (read_be(bytes, total - kCrcBytes, 4) != crc32(bytes.substr(0, total - kCrcBytes))) {
        return invalid("the message's CRC does not match");
    }
    EventStreamDecoding decoding;
    if (auto problem = read_headers(bytes.substr(kPreludeBytes, headers_length), decoding.message.headers)) {
        return invalid(std::move(*problem));
    }
    const std::size_t payload_at = kPreludeBytes + headers_length;
    decoding.message.payload.assign(bytes.substr(payload_at, total - kCrcBytes - payload_at));
    decoding.status = EventStreamDecoding::Status::Message;
    decoding.consumed = total;
    return decoding;
}

} // namespace lambda_emu::http
