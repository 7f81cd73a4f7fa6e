#pragma once
// Colour for people at a terminal: the runtime and each extension in a colour of their own, the
// Shutdown verdicts in the colour of what happened (graceful green, killed red, crashed magenta,
// not-signalled yellow). Only on a terminal, never with NO_COLOR set (no-color.org), and as
// --color auto|always|never says.
#include "core/shutdown.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace lambda_emu::report {

enum class ColourMode { Auto, Always, Never };

// "auto", "always", "never"; nullopt for anything else.
std::optional<ColourMode> parse_colour_mode(std::string_view text);

// Whether to colour what goes to `stream`: Always and Never decide; Auto colours a terminal
// unless NO_COLOR is set to a non-empty value.
bool colour_wanted(ColourMode mode, std::FILE* stream);

class Palette {
public:
    Palette() = default;
    explicit Palette(bool on) : on_{on} {}
    bool on() const { return on_; }

    // Text that names a process (its label, its name in a table): the runtime always the same
    // colour, each extension one picked from its name, so it keeps it across runs.
    std::string label(const core::ProcessIdentity& who, std::string_view text) const;
    // Text in the colour of a verdict.
    std::string verdict(core::Verdict verdict, std::string_view text) const;
    std::string dim(std::string_view text) const;
    std::string paint(std::string_view sgr, std::string_view text) const;

private:
    bool on_ = false;
};

} // namespace lambda_emu::report
