// Misspelt options and the spaced form of --allow-kill (cli/option_suggestions.hpp).
#include "cli/option_suggestions.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;

TEST_CASE("a misspelt option gets the nearest one; a word far from every option gets none")
{
    const std::vector<std::string> known{"--runtime", "--runtime-grace", "--memory",  "--template",
                                         "--timeout", "--env",           "--env-file"};
    CHECK(nearest_option("--runtim", known) == "--runtime");
    CHECK(nearest_option("--runtime-grase=5", known) == "--runtime-grace");
    CHECK(nearest_option("--memroy", known) == "--memory");
    CHECK(nearest_option("--tempalte", known) == "--template");
    CHECK(nearest_option("--env-files", known) == "--env-file");
    CHECK_FALSE(nearest_option("--completely-unknown", known));
    CHECK_FALSE(nearest_option("--x", known)); // too short to be a slip of anything
}

TEST_CASE("--allow-kill idle is --allow-kill=idle; a path after --allow-kill stays the function's")
{
    using Args = std::vector<std::string>;
    CHECK(joined_flag_values(Args{"run", "--allow-kill", "idle", "./fn"}) == Args{"run", "--allow-kill=idle", "./fn"});
    CHECK(joined_flag_values(Args{"run", "--allow-kill", "all"}) == Args{"run", "--allow-kill=all"});
    CHECK(joined_flag_values(Args{"run", "--allow-kill", "./bootstrap"}) == Args{"run", "--allow-kill", "./bootstrap"});
    // After --, everything is the bootstrap's own.
    CHECK(joined_flag_values(Args{"run", "./b", "--", "--allow-kill", "idle"}) ==
          Args{"run", "./b", "--", "--allow-kill", "idle"});
}

TEST_CASE("terraform's -var and -var-file are read as --var and --var-file")
{
    using Args = std::vector<std::string>;
    CHECK(joined_flag_values(Args{"run", "--terraform", ".", "-var", "a=b", "-var-file", "p.tfvars"}) ==
          Args{"run", "--terraform", ".", "--var", "a=b", "--var-file", "p.tfvars"});
    CHECK(joined_flag_values(Args{"run", "-var=a=b", "-var-file=p.tfvars"}) ==
          Args{"run", "--var=a=b", "--var-file=p.tfvars"});
    CHECK(joined_flag_values(Args{"run", "./b", "--", "-var", "x"}) == Args{"run", "./b", "--", "-var", "x"});
}
