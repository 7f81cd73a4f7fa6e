#include "colour.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <unistd.h>

namespace lambda_emu::report {

std::optional<ColourMode> parse_colour_mode(std::string_view text)
{
    if (text == "auto") return ColourMode::Auto;
    if (text == "always") return ColourMode::Always;
    if (text == "never") return ColourMode::Never;
    return std::nullopt;
}

bool colour_wanted(ColourMode mode, std::FILE* stream)
{
    switch (mode) {
    case ColourMode::Always: return true;
    case ColourMode::Never: return false;
    case ColourMode::Auto: break;
    }
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour && *no_colour) return false;
    return ::isatty(::fileno(stream)) == 1;
}

std::string Palette::paint(std::string_view sgr, std::string_view text) const
{
    if (!on_) return std::string{text};
    std::string out = "\x1b[";
    out += sgr;
    out += 'm';
    out += text;
    out += "\x1b[0m";
    return out;
}

std::string Palette::label(const core::ProcessIdentity& who, std::string_view text) const
{
    if (who.is_runtime()) return paint("1;36", text); // bold cyan
    // Extensions: blue, bright blue, bright cyan, bright white, 256-colour orange and purple, by
    // a hash of the name (FNV-1a, stable across runs and builds). Never a verdict's colour.
    static constexpr std::array<std::string_view, 6> kExtensionColours{"34", "94", "96", "97", "38;5;208", "38;5;141"};
    std::uint32_t hash = 2166136261u;
    for (const char c : who.name) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    return paint(kExtensionColours[hash % kExtensionColours.size()], text);
}

std::string Palette::verdict(core::Verdict verdict, std::string_view text) const
{
    switch (verdict) {
    case core::Verdict::Graceful: return paint("32", text);
    case core::Verdict::Killed: return paint("1;31", text);
    case core::Verdict::Crashed: return paint("35", text);
    case core::Verdict::NotSignalled: return paint("33", text);
    }
    return std::string{text};
}

std::string Palette::dim(std::string_view text) const
{
    return paint("2", text);
}

} // namespace lambda_emu::report
