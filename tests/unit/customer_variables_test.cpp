// The function's own variables as Lambda takes them: names of its pattern, keys it reserves
// refused, 4 KB in all measured as the JSON of the map, and --env-file read with a bound.
#include "cli/customer_variables.hpp"
#include "cli/input_file.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

using lambda_emu::variable_name_error;
using lambda_emu::variables_size_error;
using lambda_emu::core::Variables;

TEST_CASE("a variable's name follows Lambda's pattern [a-zA-Z]([a-zA-Z0-9_])+")
{
    for (const char* good : {"AB", "a1", "Table_Name", "x_", "DB_HOST_2"}) CHECK_FALSE(variable_name_error(good));
    for (const char* bad : {"A", "1BAD", "_LEADING", "WITH-DASH", "A=B", "SP ACE", "caf\xc3\xa9", "A\nB"}) {
        const auto error = variable_name_error(bad);
        REQUIRE(error);
        CHECK(error->find("is not a variable name Lambda accepts: it must match [a-zA-Z]([a-zA-Z0-9_])+") !=
              std::string::npos);
    }
    // The name is quoted as JSON, so the error stays one line.
    CHECK(variable_name_error("A\nB")->starts_with(R"("A\nB" is not)"));
    // A reserved key keeps its own, more helpful, message.
    CHECK(variable_name_error("_HANDLER")->find("--handler") != std::string::npos);
    CHECK(variable_name_error("AWS_REGION")->starts_with("AWS_REGION is reserved"));
}

TEST_CASE("variables are measured as the JSON of their map, after overrides, and refused over 4 KB")
{
    // {"BIG":"..."}: 10 bytes around the value.
    CHECK_FALSE(variables_size_error({{"BIG", std::string(4086, 'x')}}));
    const auto over = variables_size_error({{"BIG", std::string(4087, 'x')}});
    REQUIRE(over);
    CHECK(over->starts_with("the environment variables measure 4097 bytes, over Lambda's 4 KB limit"));
    CHECK(over->ends_with(R"(the largest is "BIG" (4095 bytes))"));
    // Only the last value of a key counts: it alone reaches the function.
    CHECK_FALSE(variables_size_error({{"BIG", std::string(5000, 'x')}, {"BIG", "small"}}));
    // JSON's escapes count: a quote is two bytes.
    CHECK(variables_size_error({{"BIG", std::string(2044, '"')}}));
    CHECK_FALSE(variables_size_error({{"BIG", std::string(2043, '"')}}));
    // Two entries add a comma: 2 + (5 + 1 + 2 + n) + 1 + (4 + 1 + 2 + m).
    CHECK_FALSE(variables_size_error({{"BIG", std::string(4000, 'x')}, {"AB", std::string(78, 'x')}}));
    CHECK(variables_size_error({{"BIG", std::string(4000, 'x')}, {"AB", std::string(79, 'x')}}));
}

TEST_CASE("an env file is read with a bound and refused when it is a device or too large")
{
    using lambda_emu::read_customer_variables;
    CHECK(read_customer_variables({"/dev/zero"}, {}).error ==
          "--env-file /dev/zero is a character device, not a file or a pipe");
    CHECK(read_customer_variables({"/tmp"}, {}).error == "--env-file /tmp is a folder, not a file or a pipe");
    const std::string path = "/tmp/lambda-emu-unit-bounded.env";
    {
        std::ofstream file{path};
        file << "# fits\nFITS=1\n";
    }
    CHECK(read_customer_variables({path}, {}).variables == Variables{{"FITS", "1"}});
    {
        std::ofstream file{path};
        file << std::string(lambda_emu::kMaxEnvFileBytes, '#') << "\nOVER=1\n";
    }
    CHECK(read_customer_variables({path}, {}).error.starts_with("--env-file " + path + " is larger than 64 KB"));
    std::remove(path.c_str());
}

TEST_CASE("a file read with a bound never reads more than the bound and one byte")
{
    lambda_emu::InputFileRules rules;
    rules.max_bytes = 10;
    rules.limit = "10 bytes";
    const std::string path = "/tmp/lambda-emu-unit-bounded.txt";
    {
        std::ofstream file{path};
        file << "0123456789";
    }
    CHECK(lambda_emu::read_input_file(path, "it", rules).text == "0123456789");
    {
        std::ofstream file{path};
        file << "0123456789A";
    }
    CHECK(lambda_emu::read_input_file(path, "it", rules).error == "it is larger than 10 bytes");
    // /proc files report no size: the bound holds while reading.
    CHECK(lambda_emu::read_input_file("/proc/self/status", "status", rules).error == "status is larger than 10 bytes");
    CHECK(lambda_emu::read_input_file("/nonexistent/file", "it", rules).error ==
          "cannot read it: No such file or directory");
    std::remove(path.c_str());
}
