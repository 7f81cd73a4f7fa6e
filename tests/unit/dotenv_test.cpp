// --env-file as .env files are written (cli/dotenv.hpp) and --env-vars in SAM's JSON (cli/env_vars_file.hpp).
#include "cli/dotenv.hpp"
#include "cli/env_vars_file.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

using namespace lambda_emu;

namespace {

std::pair<std::string, std::string> assignment(std::string_view text)
{
    const auto line = parse_dotenv_line(text);
    REQUIRE(line.kind == DotenvLine::Kind::Assignment);
    return {line.key, line.value};
}

} // namespace

TEST_CASE("a .env line: export, quotes, escapes and comments as dotenv tools read them")
{
    using Pair = std::pair<std::string, std::string>;
    CHECK(assignment("PLAIN=value") == Pair{"PLAIN", "value"});
    CHECK(assignment("export TABLE=orders") == Pair{"TABLE", "orders"});
    CHECK(assignment("  SPACED = padded value  ") == Pair{"SPACED", "padded value"});
    CHECK(assignment("QUOTED=\"two words # not a comment\"") == Pair{"QUOTED", "two words # not a comment"});
    CHECK(assignment("ESCAPED=\"line\\nnext \\\"q\\\" \\\\\"") == Pair{"ESCAPED", "line\nnext \"q\" \\"});
    CHECK(assignment("SINGLE='$HOME \\n as written'") == Pair{"SINGLE", "$HOME \\n as written"});
    CHECK(assignment("COMMENTED=value # a comment") == Pair{"COMMENTED", "value"});
    CHECK(assignment("HASH=a#b") == Pair{"HASH", "a#b"});
    CHECK(assignment("EMPTY=") == Pair{"EMPTY", ""});
    CHECK(assignment("URL=postgres://u:p@h/db?x=1\r") == Pair{"URL", "postgres://u:p@h/db?x=1"});
    CHECK(parse_dotenv_line("# a comment").kind == DotenvLine::Kind::Nothing);
    CHECK(parse_dotenv_line("   ").kind == DotenvLine::Kind::Nothing);
    CHECK(parse_dotenv_line("NO_EQUALS").problem == "is not KEY=VALUE");
    CHECK(parse_dotenv_line("OPEN=\"never closed").problem == "has a \" that is not closed");
    CHECK(parse_dotenv_line("OPEN='never closed").problem == "has a ' that is not closed");
}

TEST_CASE("--env-vars: Parameters for every function, the function's own object over it")
{
    const std::string path = "/tmp/lambda-emu-env-vars-test.json";
    {
        std::ofstream out{path};
        out << R"({"Parameters": {"STAGE": "test", "SHARED": 1, "DEBUG": true},
                   "OrdersFunction": {"STAGE": "orders-test", "TABLE": "orders"},
                   "Other": {"TABLE": "other"}})";
    }
    auto read = read_env_vars_file(path, {"OrdersFunction", "orders"});
    CHECK(read.error.empty());
    const core::Variables expected{{"STAGE", "orders-test"}, {"SHARED", "1"}, {"DEBUG", "true"}, {"TABLE", "orders"}};
    CHECK(read.variables == expected);
    read = read_env_vars_file(path, {"Unknown"});
    CHECK(read.variables == core::Variables{{"STAGE", "test"}, {"SHARED", "1"}, {"DEBUG", "true"}});
    {
        std::ofstream out{path};
        out << R"({"Parameters": {"NESTED": {"no": "objects"}}})";
    }
    CHECK(read_env_vars_file(path, {}).error ==
          "--env-vars " + path + ": Parameters.NESTED is neither a string, a number nor a boolean");
    {
        std::ofstream out{path};
        out << "[1, 2]";
    }
    CHECK(read_env_vars_file(path, {}).error ==
          "--env-vars " + path + " is not a JSON object like {\"Parameters\": {\"NAME\": \"VALUE\"}}");
    std::remove(path.c_str());
}
