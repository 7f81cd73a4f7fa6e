#include "base64.hpp"

#include <boost/beast/core/detail/base64.hpp>

namespace lambda_emu::http {

namespace codec = boost::beast::detail::base64;

std::string base64_encode(std::string_view bytes)
{
    std::string encoded(codec::encoded_size(bytes.size()), '\0');
    encoded.resize(codec::encode(encoded.data(), bytes.data(), bytes.size()));
    return encoded;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    std::string decoded(codec::decoded_size(text.size()), '\0');
    const auto [written, read] = codec::decode(decoded.data(), text.data(), text.size());
    // The decoder stops at the '=' padding: everything before it must have been base64.
    const auto last = text.find_last_not_of('=');
    if (read < (last == std::string_view::npos ? 0 : last + 1)) return std::nullopt;
    decoded.resize(written);
    return decoded;
}

} // namespace lambda_emu::http
