// --extension builtin:NAME: the built-in extensions by name, and one line for a name that is none.
#include "cli/builtin_extensions.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;

TEST_CASE("builtin:shutdown-listener runs the stand-in named shutdown-listener, the name it registers under")
{
    CHECK(names_builtin_extension("builtin:shutdown-listener"));
    CHECK_FALSE(names_builtin_extension("./builtin/shutdown-listener"));
    CHECK_FALSE(names_builtin_extension("shutdown-listener"));
    const auto found = builtin_extension("builtin:shutdown-listener");
    CHECK(found.error.empty());
    CHECK(found.file == "shutdown-listener");
}

TEST_CASE("an unknown built-in is one line that lists the built-ins")
{
    const auto unknown = builtin_extension("builtin:x");
    CHECK(unknown.file.empty());
    CHECK(unknown.error ==
          "--extension builtin:x: no such built-in extension; the built-ins: builtin:shutdown-listener");
    CHECK(!builtin_extension("builtin:").error.empty());
}
