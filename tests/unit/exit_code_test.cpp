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
    CHECK(run_exit_code({everything}, SIGTERM, true, report::KillAllowance::None) == 128 + SIGTERM);
    CHECK(run_exit_code({everything}, 0, true, report::KillAllowance::None) == exit_codes::kEmulatorError);
    CHECK(run_exit_code({everything}, 0, false, report::KillAllowance::None) == exit_codes::kInitFailure);
    everything.init_failure = false;
    CHECK(run_exit_code({everything}, 0, false, report::KillAllowance::None) == exit_codes::kTimeoutOrCrash);
    everything.timeout_or_crash = false;
    CHECK(run_exit_code({everything}, 0, false, report::KillAllowance::None) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_code({everything}, 0, false, report::KillAllowance::Any) ==
          exit_codes::kFunctionError); // --allow-kill
    everything.function_error = false;
    CHECK(run_exit_code({everything}, 0, false, report::KillAllowance::Any) == exit_codes::kSuccess);
}

TEST_CASE("the exit code combines every environment's facts; no environment at all is a success")
{
    ExitFacts failed;
    failed.function_error = true;
    ExitFacts crashed;
    crashed.timeout_or_crash = true;
    CHECK(run_exit_code({}, 0, false, report::KillAllowance::None) == exit_codes::kSuccess);
    CHECK(run_exit_code({ExitFacts{}, failed}, 0, false, report::KillAllowance::None) == exit_codes::kFunctionError);
    CHECK(run_exit_code({failed, crashed, ExitFacts{}}, 0, false, report::KillAllowance::None) ==
          exit_codes::kTimeoutOrCrash);
    CHECK(run_exit_code({ExitFacts{}}, SIGHUP, false, report::KillAllowance::None) == 129);
}

TEST_CASE("--allow-kill=idle lets kills of idle processes pass, not other kills nor crashes")
{
    ExitFacts idle_kill;
    idle_kill.unclean_shutdown = true;
    ExitFacts busy_kill = idle_kill;
    busy_kill.unclean_shutdown_not_idle = true;
    CHECK(run_exit_code({idle_kill}, 0, false, report::KillAllowance::Idle) == exit_codes::kSuccess);
    CHECK(run_exit_code({idle_kill}, 0, false, report::KillAllowance::None) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_code({idle_kill, busy_kill}, 0, false, report::KillAllowance::Idle) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_code({busy_kill}, 0, false, report::KillAllowance::Any) == exit_codes::kSuccess);
}

TEST_CASE("the run's last line says why its exit code is what it is")
{
    CHECK(run_exit_line({ExitFacts{}}, 0, false, report::KillAllowance::None) ==
          "exit code 0: every invocation succeeded and every process shut down on its own");
    ExitFacts facts;
    facts.unclean_shutdown = true;
    facts.unclean_shutdown_why = "runtime killed at its 300 ms deadline while idle";
    CHECK(run_exit_line({facts}, 0, false, report::KillAllowance::None) ==
          "exit code 5: runtime killed at its 300 ms deadline while idle (see the note above; --allow-kill=idle lets "
          "that pass)");
    CHECK(run_exit_line({facts}, 0, false, report::KillAllowance::Idle) ==
          "exit code 0: every invocation succeeded; runtime killed at its 300 ms deadline while idle, which "
          "--allow-kill lets pass");
    facts.unclean_shutdown_not_idle = true;
    facts.unclean_shutdown_not_idle_why = "ext:x killed at its 2000 ms deadline while still working";
    CHECK(run_exit_line({facts}, 0, false, report::KillAllowance::Idle) ==
          "exit code 5: ext:x killed at its 2000 ms deadline while still working (--allow-kill=idle lets only kills "
          "of idle processes pass)");
    // The first environment's reason for the fact that decides, whatever the order of the others.
    ExitFacts failed;
    failed.function_error = true;
    failed.function_error_why = "invocation a returned a function error (Handled)";
    ExitFacts crashed;
    crashed.timeout_or_crash = true;
    crashed.timeout_or_crash_why = "invocation b: the runtime exited (Runtime.ExitError)";
    CHECK(run_exit_line({failed, crashed}, 0, false, report::KillAllowance::None) ==
          "exit code 4: invocation b: the runtime exited (Runtime.ExitError)");
    CHECK(run_exit_line({failed}, 0, false, report::KillAllowance::None) ==
          "exit code 1: invocation a returned a function error (Handled)");
    CHECK(run_exit_line({failed}, SIGINT, false, report::KillAllowance::None) ==
          "exit code 130: interrupted by SIGINT");
    CHECK(run_exit_line({failed}, 0, true, report::KillAllowance::None) ==
          "exit code 6: a report could not be written (see above)");
}
