#include "identifier.hpp"

#include "rendering.hpp"

#include <boost/uuid/string_generator.hpp>

namespace lambda_emu::extensions_api {

namespace {

bool is_uuid(std::string_view text)
{
    if (text.size() != 36) return false;
    try {
        (void)boost::uuids::string_generator{}(text.begin(), text.end());
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

} // namespace

std::optional<http::Response> refuse_identifier(const http::Request& request)
{
    const auto id = request[kIdentifierHeader];
    if (id.empty())
        return render_refusal("Extension.MissingExtensionIdentifier", "Missing Lambda-Extension-Identifier header");
    if (!is_uuid(id))
        return render_refusal("Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier");
    return std::nullopt;
}

} // namespace lambda_emu::extensions_api
