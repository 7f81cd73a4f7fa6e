#include "ids.hpp"

#include <boost/uuid/uuid_io.hpp>

#include <cstdio>

namespace lambda_emu {

std::string IdGenerator::uuid()
{
    return boost::uuids::to_string(random_());
}

std::string IdGenerator::hex(std::size_t digits)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(digits);
    while (text.size() < digits) {
        for (const auto byte : random_()) {
            if (text.size() == digits) break;
            text.push_back(kDigits[byte >> 4]);
            if (text.size() < digits) text.push_back(kDigits[byte & 0x0f]);
        }
    }
    return text;
}

std::string IdGenerator::trace_id(std::int64_t epoch_seconds)
{
    char seconds[16];
    std::snprintf(seconds, sizeof seconds, "%08llx", static_cast<unsigned long long>(epoch_seconds));
    return "Root=1-" + std::string{seconds} + "-" + hex(24) + ";Parent=" + hex(16) + ";Sampled=0";
}

} // namespace lambda_emu
