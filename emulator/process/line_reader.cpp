#include "line_reader.hpp"

namespace lambda_emu::process {

void LineReader::start(boost::asio::readable_pipe pipe, LineSink sink)
{
    std::shared_ptr<LineReader> reader{new LineReader{std::move(pipe), std::move(sink)}};
    reader->read_more();
}

void LineReader::read_more()
{
    pipe_.async_read_some(boost::asio::buffer(chunk_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              self->pending_.append(self->chunk_.data(), n);
                              self->emit_complete_lines();
                              if (!ec) {
                                  self->read_more();
                                  return;
                              }
                              // End of file (or the pipe closed under us): flush the last, unterminated line.
                              if (!self->pending_.empty()) self->sink_(self->pending_);
                              self->pending_.clear();
                          });
}

void LineReader::emit_complete_lines()
{
    std::size_t begin = 0;
    for (;;) {
        const auto end = pending_.find('\n', begin);
        if (end == std::string::npos) break;
        std::string_view line{pending_.data() + begin, end - begin};
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        sink_(line);
        begin = end + 1;
    }
    pending_.erase(0, begin);
    if (pending_.size() >= kMaxLine) {
        sink_(pending_);
        pending_.clear();
    }
}

} // namespace lambda_emu::process
