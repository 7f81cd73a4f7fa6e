#pragma once
// Beast body types of our own.
//  * CappedStringBody: a request body that keeps at most `limit` bytes in memory and counts the
//    rest, so an oversized POST is read to its end and answered 413 cleanly instead of
//    resetting the connection under the client.
//  * SharedStringBody: a response body that points at a shared payload, so the bytes a caller
//    sent reach the runtime's /next without a copy.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <string>
#include <utility>

namespace lambda_emu::http {

// Where a body passed on as a stream goes, with back-pressure: `write` says whether the
// consumer wants more now; if not, the session stops reading and gives `when_ready` the
// callback that resumes it.
struct BodySink {
    std::function<bool(std::string_view chunk)> write;
    std::function<void(std::function<void()> resume)> when_ready;
    explicit operator bool() const { return static_cast<bool>(write); }
};

// Room kept past a body's end for a validator that reads whole 64-byte blocks (simdjson).
inline constexpr std::size_t kValidatorPadding = 64;

struct CappedString {
    std::string bytes;
    std::size_t limit = 1024 * 1024;
    std::uint64_t received = 0;
    // When set, body bytes go here as they arrive (a stream passed on) instead of into `bytes`.
    BodySink sink;
    bool sink_full = false; // the sink asked for a pause: read no more until it is ready
    bool overflowed() const { return received > limit; }
};

struct CappedStringBody {
    using value_type = CappedString;

    static std::uint64_t size(const value_type& body) { return body.bytes.size(); }

    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_{body}
        {
        }
        void init(const boost::optional<std::uint64_t>& content_length, boost::beast::error_code& ec)
        {
            ec = {};
            // 64 bytes of room past the end let a JSON validator (simdjson) read the body in place.
            if (content_length && *content_length <= body_.limit)
                body_.bytes.reserve(static_cast<std::size_t>(*content_length) + kValidatorPadding);
        }
        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec)
        {
            ec = {};
            std::size_t total = 0;
            for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
                 ++it) {
                const boost::asio::const_buffer buffer = *it;
                const auto* data = static_cast<const char*>(buffer.data());
                if (body_.sink) {
                    if (buffer.size() > 0 && !body_.sink.write(std::string_view{data, buffer.size()}))
                        body_.sink_full = true;
                    body_.received += buffer.size();
                    total += buffer.size();
                    continue;
                }
                const std::size_t room = body_.limit > body_.bytes.size() ? body_.limit - body_.bytes.size() : 0;
                body_.bytes.append(data, std::min(room, buffer.size()));
                body_.received += buffer.size();
                total += buffer.size();
            }
            return total;
        }
        void finish(boost::beast::error_code& ec) { ec = {}; }

    private:
        value_type& body_;
    };
};

struct SharedStringBody {
    using value_type = std::shared_ptr<const std::string>;

    static std::uint64_t size(const value_type& body) { return body ? body->size() : 0; }

    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool isRequest, class Fields>
        writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body) : body_{body}
        {
        }
        void init(boost::beast::error_code& ec) { ec = {}; }
        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec)
        {
            ec = {};
            if (!body_ || body_->empty()) return boost::none;
            return std::make_pair(boost::asio::const_buffer{body_->data(), body_->size()}, false);
        }

    private:
        const value_type& body_;
    };
};

} // namespace lambda_emu::http
