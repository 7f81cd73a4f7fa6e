#pragma once
// A misspelt option ("--runtim") gets the nearest real one in its error line ("did you mean
// --runtime?"), as git and cargo do.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu {

// The known option closest to `given` by edit distance, when it is close enough to be a slip (at
// most 2 edits, and fewer than a third of its length); nothing otherwise.
std::optional<std::string> nearest_option(std::string_view given, const std::vector<std::string>& known);

// argv with `--allow-kill idle` (and `all`) joined into `--allow-kill=idle`: the flag takes a
// value only attached, so that `--allow-kill ./bootstrap` stays a flag, but the spaced form is
// what users type. Terraform's `-var NAME=VALUE` and `-var-file FILE` become --var and --var-file.
std::vector<std::string> joined_flag_values(const std::vector<std::string>& arguments);

} // namespace lambda_emu
