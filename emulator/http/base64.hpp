#pragma once
// Base64 for header and trailer values (X-Amz-Log-Result, X-Amz-Client-Context, the error body
// of a streamed response), on Beast's codec.
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu::http {

std::string base64_encode(std::string_view bytes);
// Nothing when `text` is not base64 (padding allowed).
std::optional<std::string> base64_decode(std::string_view text);

} // namespace lambda_emu::http
