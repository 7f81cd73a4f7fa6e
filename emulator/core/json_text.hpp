#pragma once
// JSON documents as text, whatever bytes their strings hold. Much of what the emulator writes as
// JSON comes from outside (HTTP headers and paths, process output, names chosen by extensions,
// command-line arguments) and may not be UTF-8; nlohmann's default dump() throws on such a byte.
// Invalid sequences become U+FFFD instead, as Go's encoder in Lambda's own RAPID does.
#include <nlohmann/json.hpp>

#include <string>

namespace lambda_emu::core {

template <typename Json> std::string json_text(const Json& document, int indent = -1)
{
    return document.dump(indent, ' ', false, Json::error_handler_t::replace);
}

} // namespace lambda_emu::core
