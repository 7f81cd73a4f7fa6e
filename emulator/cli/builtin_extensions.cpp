#include "builtin_extensions.hpp"

#include <array>

namespace lambda_emu {

namespace {

// NAME in `builtin:NAME`, and the executable of stand-ins/ it runs.
struct Builtin {
    std::string_view name;
    std::string_view file;
};
constexpr std::array kBuiltins{Builtin{"shutdown-listener", "shutdown-listener"}};

} // namespace

bool names_builtin_extension(std::string_view given)
{
    return given.starts_with(kBuiltinPrefix);
}

BuiltinExtension builtin_extension(std::string_view given)
{
    const auto name = given.substr(kBuiltinPrefix.size());
    std::string known;
    for (const auto& builtin : kBuiltins) {
        if (builtin.name == name) return {std::string{builtin.file}, {}};
        known += (known.empty() ? "" : ", ") + std::string{kBuiltinPrefix} + std::string{builtin.name};
    }
    return {{}, "--extension " + std::string{given} + ": no such built-in extension; the built-ins: " + known};
}

} // namespace lambda_emu
