// How long a connection may keep the emulator waiting while reading (deadlines), and how it ends:
// evicted, closed, or lingering after a last answer so that the client can still read it.
#include "session.hpp"

namespace lambda_emu::http {

namespace {

// After answering without reading the whole body, what the client still sends is read and dropped
// for a while, so that it can finish sending and read the answer instead of meeting a reset.
// Bounded, so that a body of a gigabyte, or an endless one, costs next to nothing.
constexpr std::size_t kLingerBytes = 64 * 1024 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

} // namespace

void Session::evict()
{
    if (registered_) registry_->remove(*registered_);
    registered_.reset();
    close();
}

void Session::close()
{
    disarm_deadline();
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

void Session::arm_deadline(std::chrono::milliseconds after)
{
    deadline_.expires_after(after);
    deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec) return;
        if (auto self = weak.lock()) self->on_deadline();
    });
}

void Session::on_deadline()
{
    // The wait may have completed just as the read did, or the deadline moved since.
    if (stage_ == Stage::Answering || deadline_.expiry() > std::chrono::steady_clock::now()) return;
    close();
}

void Session::start_lingering()
{
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    stage_ = Stage::Lingering;
    waiting_since_ = {}; // the first to go when room is needed
    lingered_bytes_ = 0;
    arm_deadline(kLingerTime);
    linger();
}

void Session::linger()
{
    buffer_.consume(buffer_.size());
    socket_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t bytes) {
                                self->lingered_bytes_ += bytes;
                                if (ec || self->lingered_bytes_ > kLingerBytes) {
                                    self->close();
                                    return;
                                }
                                self->linger();
                            });
}

} // namespace lambda_emu::http
