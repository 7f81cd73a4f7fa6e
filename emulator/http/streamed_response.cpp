// A response in pieces (Session::respond_in_pieces): ChunkedResponse frames each chunk and the
// trailers; the session's raw queue writes them one after another, and holds back the producer
// (back-pressure) while more than kMaxQueuedStreamBytes wait for a slow caller.
#include "session.hpp"

#include <boost/asio/write.hpp>

#include <cstdio>
#include <sstream>
#include <utility>

namespace lambda_emu::http {

// What route code writes a streamed body to: each chunk framed for chunked transfer encoding and
// queued on the session, then the last chunk and the trailers; after that, nothing.
class ChunkedResponse final : public ResponseStream {
public:
    explicit ChunkedResponse(std::shared_ptr<Session> session) : session_{std::move(session)} {}
    bool write(std::string_view chunk) override
    {
        if (!session_ || chunk.empty()) return true;
        char size[24];
        std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
        std::string bytes{size};
        bytes.append(chunk).append("\r\n");
        session_->queue_raw(std::move(bytes), false);
        return session_->raw_has_room();
    }
    void when_ready(std::function<void()> resume) override
    {
        if (session_) session_->when_raw_drained(std::move(resume));
        else resume();
    }
    void finish(const std::vector<std::pair<std::string, std::string>>& trailers) override
    {
        if (!session_) return;
        std::string bytes = "0\r\n";
        for (const auto& [name, value] : trailers) bytes += name + ": " + value + "\r\n";
        bytes += "\r\n";
        session_->queue_raw(std::move(bytes), true);
        session_.reset();
    }

private:
    std::shared_ptr<Session> session_;
};

std::shared_ptr<ResponseStream> Session::respond_in_pieces(Response head)
{
    if (answered_) return nullptr;
    answered_ = true;
    stage_ = Stage::Answering;
    disarm_deadline();
    head.keep_alive(keep_alive_);
    head.chunked(true);
    std::ostringstream text;
    text << head.base();
    raw_finished_ = false;
    queue_raw(text.str(), false);
    return std::make_shared<ChunkedResponse>(shared_from_this());
}

void Session::queue_raw(std::string bytes, bool last)
{
    raw_finished_ = raw_finished_ || last;
    if (raw_caller_gone_) return; // dropped: the invocation goes on without its caller
    raw_queued_bytes_ += bytes.size();
    raw_queue_.push_back(std::move(bytes));
    write_queued();
}

void Session::when_raw_drained(std::function<void()> resume)
{
    if (raw_has_room()) resume();
    else raw_drained_ = std::move(resume);
}

void Session::write_queued()
{
    if (raw_writing_ || raw_queue_.empty()) return;
    raw_writing_ = true;
    boost::asio::async_write(
        socket_, boost::asio::buffer(raw_queue_.front()),
        [self = shared_from_this()](const boost::beast::error_code& ec, std::size_t) { self->on_raw_written(ec); });
}

void Session::on_raw_written(const boost::beast::error_code& ec)
{
    raw_writing_ = false;
    if (ec) {
        fail(ec, "writing the streamed response");
        raw_caller_gone_ = true; // the caller is gone; the invocation goes on
        raw_queue_.clear();
        raw_queued_bytes_ = 0;
    } else {
        raw_queued_bytes_ -= raw_queue_.front().size();
        raw_queue_.pop_front();
    }
    // Resume the producer once half the cap has drained, not at every chunk.
    if (raw_drained_ && raw_queued_bytes_ <= kMaxQueuedStreamBytes / 2) std::exchange(raw_drained_, {})();
    if (ec) return;
    if (!raw_queue_.empty()) {
        write_queued();
    } else if (raw_finished_) {
        raw_finished_ = false;
        on_write({});
    }
}

} // namespace lambda_emu::http
