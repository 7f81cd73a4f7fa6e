// The exit-code contract of `run` and `serve` (cli/exit_codes.hpp): which fact wins when several apply.
#include "cli/exit_codes.hpp"
#include "cli/run_end.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace lambda_emu;

TEST_CASE("the exit code: interrupted, emulator error, init failure, timeout/crash, unclean shutdown, function error")
{
    ExitFacts everything;
    everything.function_error = true;
    everything.timeout_or_crash = true;
    everything.init_failure = true;
    everything.unclean_shutdown = true;
    CHECK(run_exit_code({everything}, SIGTERM, true, false) == 128 + SIGTERM);
    CHECK(run_exit_code({everything}, 0, true, false) == exit_codes::kEmulatorError);
    CHECK(run_exit_code({everything}, 0, false, false) == exit_codes::kInitFailure);
    everything.init_failure = false;
    CHECK(run_exit_code({everything}, 0, false, false) == exit_codes::kTimeoutOrCrash);
    everything.timeout_or_crash = false;
    CHECK(run_exit_code({everything}, 0, false, false) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_code({everything}, 0, false, true) == exit_codes::kFunctionError); // --allow-kill
    everything.function_error = false;
    CHECK(run_exit_code({everything}, 0, false, true) == exit_codes::kSuccess);
}

TEST_CASE("the exit code combines every environment's facts; no environment at all is a success")
{
    ExitFacts failed;
    failed.function_error = true;
    ExitFacts crashed;
    crashed.timeout_or_crash = true;
    CHECK(run_exit_code({}, 0, false, false) == exit_codes::kSuccess);
    CHECK(run_exit_code({ExitFacts{}, failed}, 0, false, false) == exit_codes::kFunctionError);
    CHECK(run_exit_code({failed, crashed, ExitFacts{}}, 0, false, false) == exit_codes::kTimeoutOrCrash);
    CHECK(run_exit_code({ExitFacts{}}, SIGHUP, false, false) == 129);
}
