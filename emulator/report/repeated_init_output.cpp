#include "repeated_init_output.hpp"

#include <cctype>
#include <utility>

namespace lambda_emu::report {

std::string digits_masked(std::string_view text)
{
    std::string masked;
    masked.reserve(text.size());
    bool in_digits = false;
    for (const char c : text) {
        const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
        if (!digit) masked += c;
        else if (!in_digits) masked += '#';
        in_digits = digit;
    }
    return masked;
}

std::vector<std::string> RepeatedInitOutput::init_started(bool after_failed_init)
{
    auto held = release();
    std::size_t bytes = 0;
    for (const auto& line : current_) bytes += line.size();
    comparing_ = after_failed_init && recording_ && !overflowed_ && bytes >= kWorthFolding;
    expected_ = comparing_ ? std::move(current_) : std::vector<std::string>{};
    matched_ = 0;
    current_.clear();
    current_bytes_ = 0;
    recording_ = true;
    overflowed_ = false;
    return held;
}

std::vector<std::string> RepeatedInitOutput::init_succeeded()
{
    recording_ = false;
    std::vector<std::string>{}.swap(current_);
    std::vector<std::string>{}.swap(expected_);
    return release();
}

RepeatedInitOutput::Echo RepeatedInitOutput::line(std::string_view text)
{
    if (recording_ && !overflowed_) {
        current_bytes_ += text.size();
        if (current_bytes_ > kMaxKeptBytes) {
            overflowed_ = true;
            std::vector<std::string>{}.swap(current_);
        } else {
            current_.push_back(digits_masked(text));
        }
    }
    if (!comparing_) return {};
    if (digits_masked(text) != expected_[matched_]) return Echo{release(), true, 0};
    held_.emplace_back(text);
    if (++matched_ < expected_.size()) return Echo{{}, false, 0};
    comparing_ = false;
    held_.clear();
    return Echo{{}, false, matched_};
}

std::vector<std::string> RepeatedInitOutput::release()
{
    comparing_ = false;
    return std::exchange(held_, {});
}

} // namespace lambda_emu::report
