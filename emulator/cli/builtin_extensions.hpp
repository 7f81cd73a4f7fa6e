#pragma once
// Extensions that come with lambda-emu, for `--extension builtin:NAME` where a path would go.
// `shutdown-listener` is the extension that stands in for CloudWatch Lambda Insights
// (cli/layer_arns.hpp) under a name of its own, for functions whose production layer that
// registers an extension is not here: it registers for SHUTDOWN, so that Lambda's rule "SIGTERM
// for the runtime only when an extension registered" applies, and exits when SHUTDOWN comes.
#include <string>
#include <string_view>

namespace lambda_emu {

inline constexpr std::string_view kBuiltinPrefix = "builtin:";

// Whether an --extension value names a built-in rather than a file.
bool names_builtin_extension(std::string_view given);

// The executable of stand-ins/ that `builtin:NAME` runs (its file name is the extension's name,
// as Lambda names an extension after its file), or one line saying the name is unknown and
// listing the built-ins.
struct BuiltinExtension {
    std::string file;
    std::string error;
};
BuiltinExtension builtin_extension(std::string_view given);

} // namespace lambda_emu
