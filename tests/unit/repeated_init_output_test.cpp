// A retried Init that fails the same way does not print the same stack trace again.
#include "report/repeated_init_output.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using lambda_emu::report::digits_masked;
using lambda_emu::report::RepeatedInitOutput;

namespace {

// Twelve lines of a failing Init, long enough to be worth folding, with a time in each.
std::vector<std::string> failing_init(const std::string& time)
{
    std::vector<std::string> lines;
    for (int i = 1; i <= 12; ++i)
        lines.push_back(time + "\tERROR\tstep " + std::to_string(i) + " of loading the handler failed");
    return lines;
}

// Feeds `lines` and returns what the console would print, with "NOTE n" for the note.
std::vector<std::string> shown(RepeatedInitOutput& fold, const std::vector<std::string>& lines)
{
    std::vector<std::string> printed;
    for (const auto& line : lines) {
        auto echo = fold.line(line);
        printed.insert(printed.end(), echo.released.begin(), echo.released.end());
        if (echo.print_line) printed.push_back(line);
        if (echo.repeated > 0) printed.push_back("NOTE " + std::to_string(echo.repeated));
    }
    return printed;
}

} // namespace

TEST_CASE("digits are masked, so times and pids do not make the same line differ")
{
    CHECK(digits_masked("2026-12-03T06:12:57.544Z pid 4021") == "#-#-#T#:#:#.#Z pid #");
    CHECK(digits_masked("no digits") == "no digits");
}

TEST_CASE("the retry of a failed Init that prints the same lines shows one note instead")
{
    RepeatedInitOutput fold;
    CHECK(fold.init_started(false).empty());
    const auto first = failing_init("2026-12-03T06:12:57.544Z");
    CHECK(shown(fold, first) == first); // the first time, every line

    CHECK(fold.init_started(true).empty()); // it failed: the retry may repeat it
    const auto again = failing_init("2026-12-03T06:12:58.311Z");
    CHECK(shown(fold, again) == std::vector<std::string>{"NOTE 12"});
    // What comes after the repeat is new, and shown.
    CHECK(shown(fold, {"a new line"}) == std::vector<std::string>{"a new line"});

    // A third attempt compares with the second's output, all of it.
    CHECK(fold.init_started(true).empty());
    auto third = failing_init("2026-12-03T06:12:59.001Z");
    third.push_back("a new line");
    CHECK(shown(fold, third) == std::vector<std::string>{"NOTE 13"});
}

TEST_CASE("a retry that prints something else shows every line, the held ones first and in order")
{
    RepeatedInitOutput fold;
    fold.init_started(false);
    const auto first = failing_init("t1");
    shown(fold, first);
    fold.init_started(true);
    std::vector<std::string> different(first.begin(), first.begin() + 3);
    different.push_back("this time the database answered");
    CHECK(shown(fold, different) == different);
}

TEST_CASE("held lines come back when the retry succeeds, at the next Init, or at the end")
{
    const auto first = failing_init("t1");
    const std::vector<std::string> start(first.begin(), first.begin() + 2);
    {
        RepeatedInitOutput fold;
        fold.init_started(false);
        shown(fold, first);
        fold.init_started(true);
        CHECK(shown(fold, start).empty());
        CHECK(fold.init_succeeded() == start);
        CHECK(shown(fold, start) == start); // a successful Init's output is its own
    }
    {
        RepeatedInitOutput fold;
        fold.init_started(false);
        shown(fold, first);
        fold.init_started(true);
        shown(fold, start);
        CHECK(fold.init_started(true) == start);
    }
    {
        RepeatedInitOutput fold;
        fold.init_started(false);
        shown(fold, first);
        fold.init_started(true);
        shown(fold, start);
        CHECK(fold.release() == start);
    }
}

TEST_CASE("short output, and the output of an Init that succeeded, are shown again")
{
    RepeatedInitOutput fold;
    fold.init_started(false);
    const std::vector<std::string> short_output{"loading configuration", "fatal: configuration file missing"};
    shown(fold, short_output);
    fold.init_started(true);
    CHECK(shown(fold, short_output) == short_output); // a note would be no shorter

    RepeatedInitOutput succeeded;
    succeeded.init_started(false);
    const auto lines = failing_init("t1");
    shown(succeeded, lines);
    succeeded.init_succeeded();
    succeeded.init_started(false); // a reset after a timeout, say
    CHECK(shown(succeeded, lines) == lines);
}
