// The exit-code contract of `run` and `serve` (cli/exit_codes.hpp): which fact wins when several apply.
#include "cli/exit_codes.hpp"
#include "cli/fail_on.hpp"
#include "cli/run_end.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace lambda_emu;

namespace {

const report::ExitPolicy kByDefault{};
const report::ExitPolicy kAllowIdle{report::KillAllowance::Idle};
const report::ExitPolicy kAllowAny{report::KillAllowance::Any};

ExitFacts not_signalled()
{
    ExitFacts facts;
    facts.not_signalled = true;
    facts.not_signalled_why = "runtime was not signalled";
    facts.not_signalled_cause = "no extension registered, so Lambda kills it without SIGTERM";
    return facts;
}

} // namespace

TEST_CASE("the exit code: interrupted, emulator error, init failure, timeout/crash, unclean shutdown, function error")
{
    ExitFacts everything;
    everything.function_error = true;
    everything.timeout_or_crash = true;
    everything.init_failure = true;
    everything.unclean_shutdown = true;
    CHECK(run_exit_code({everything}, SIGTERM, true, kByDefault) == 128 + SIGTERM);
    CHECK(run_exit_code({everything}, 0, true, kByDefault) == exit_codes::kEmulatorError);
    CHECK(run_exit_code({everything}, 0, false, kByDefault) == exit_codes::kInitFailure);
    everything.init_failure = false;
    CHECK(run_exit_code({everything}, 0, false, kByDefault) == exit_codes::kTimeoutOrCrash);
    everything.timeout_or_crash = false;
    CHECK(run_exit_code({everything}, 0, false, kByDefault) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_code({everything}, 0, false, kAllowAny) == exit_codes::kFunctionError); // --allow-kill
    everything.function_error = false;
    CHECK(run_exit_code({everything}, 0, false, kAllowAny) == exit_codes::kSuccess);
}

TEST_CASE("the exit code combines every environment's facts; no environment at all is a success")
{
    ExitFacts failed;
    failed.function_error = true;
    ExitFacts crashed;
    crashed.timeout_or_crash = true;
    CHECK(run_exit_code({}, 0, false, kByDefault) == exit_codes::kSuccess);
    CHECK(run_exit_code({ExitFacts{}, failed}, 0, false, kByDefault) == exit_codes::kFunctionError);
    CHECK(run_exit_code({failed, crashed, ExitFacts{}}, 0, false, kByDefault) == exit_codes::kTimeoutOrCrash);
    CHECK(run_exit_code({ExitFacts{}}, SIGHUP, false, kByDefault) == 129);
}

TEST_CASE("--allow-kill=idle lets kills of idle processes pass, not other kills nor crashes")
{
    ExitFacts idle_kill;
    idle_kill.unclean_shutdown = true;
    ExitFacts busy_kill = idle_kill;
    busy_kill.unclean_shutdown_not_idle = true;
    CHECK(run_exit_code({idle_kill}, 0, false, kAllowIdle) == exit_codes::kSuccess);
    CHECK(run_exit_code({idle_kill}, 0, false, kByDefault) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_code({idle_kill, busy_kill}, 0, false, kAllowIdle) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_code({busy_kill}, 0, false, kAllowAny) == exit_codes::kSuccess);
}

TEST_CASE("the run's last line says why its exit code is what it is")
{
    CHECK(run_exit_line({ExitFacts{}}, 0, false, kByDefault) ==
          "exit code 0: every invocation succeeded and every process shut down on its own");
    ExitFacts facts;
    facts.unclean_shutdown = true;
    facts.unclean_shutdown_why = "runtime killed at its 300 ms deadline while idle";
    CHECK(run_exit_line({facts}, 0, false, kByDefault) ==
          "exit code 5: runtime killed at its 300 ms deadline while idle (see the note above; --allow-kill=idle lets "
          "that pass)");
    CHECK(run_exit_line({facts}, 0, false, kAllowIdle) ==
          "exit code 0: every invocation succeeded; runtime killed at its 300 ms deadline while idle, which "
          "--allow-kill lets pass");
    facts.unclean_shutdown_not_idle = true;
    facts.unclean_shutdown_not_idle_why = "ext:x killed at its 2000 ms deadline while still working";
    CHECK(run_exit_line({facts}, 0, false, kAllowIdle) ==
          "exit code 5: ext:x killed at its 2000 ms deadline while still working (--allow-kill=idle lets only kills "
          "of idle processes pass)");
    // The first environment's reason for the fact that decides, whatever the order of the others.
    ExitFacts failed;
    failed.function_error = true;
    failed.function_error_why = "invocation a returned a function error (Handled)";
    ExitFacts crashed;
    crashed.timeout_or_crash = true;
    crashed.timeout_or_crash_why = "invocation b: the runtime exited (Runtime.ExitError)";
    CHECK(run_exit_line({failed, crashed}, 0, false, kByDefault) ==
          "exit code 4: invocation b: the runtime exited (Runtime.ExitError)");
    CHECK(run_exit_line({failed}, 0, false, kByDefault) ==
          "exit code 1: invocation a returned a function error (Handled)");
    CHECK(run_exit_line({failed}, SIGINT, false, kByDefault) == "exit code 130: interrupted by SIGINT");
    CHECK(run_exit_line({failed}, 0, true, kByDefault) == "exit code 6: a report could not be written (see above)");
}

TEST_CASE("a runtime Lambda kills without SIGTERM passes, as on Lambda, and fails with --fail-on not-signalled")
{
    CHECK(run_exit_code({not_signalled()}, 0, false, kByDefault) == exit_codes::kSuccess);
    CHECK(run_exit_line({not_signalled()}, 0, false, kByDefault) ==
          "exit code 0: every invocation succeeded; runtime was not signalled (no extension registered, so Lambda "
          "kills it without SIGTERM; --fail-on not-signalled fails the run on that)");
    report::ExitPolicy fail_on{};
    fail_on.fail_on_not_signalled = true;
    CHECK(run_exit_code({not_signalled()}, 0, false, fail_on) == exit_codes::kNotSignalled);
    CHECK(run_exit_line({not_signalled()}, 0, false, fail_on) ==
          "exit code 7: runtime was not signalled (no extension registered, so Lambda kills it without SIGTERM; "
          "--fail-on not-signalled)");
    CHECK(run_exit_code({ExitFacts{}}, 0, false, fail_on) == exit_codes::kSuccess);
    // After an unclean shutdown, before a function error.
    ExitFacts both = not_signalled();
    both.function_error = true;
    CHECK(run_exit_code({both}, 0, false, fail_on) == exit_codes::kNotSignalled);
    both.unclean_shutdown = both.unclean_shutdown_not_idle = true;
    CHECK(run_exit_code({both}, 0, false, fail_on) == exit_codes::kUncleanShutdown);
}

TEST_CASE("--fail-on crashed keeps a crash in the Shutdown phase failing under --allow-kill, not a kill")
{
    ExitFacts crash;
    crash.unclean_shutdown = crash.unclean_shutdown_not_idle = crash.shutdown_crash = true;
    crash.unclean_shutdown_why = crash.unclean_shutdown_not_idle_why = crash.shutdown_crash_why =
        "runtime crashed in the Shutdown phase (signal 11)";
    ExitFacts kill;
    kill.unclean_shutdown = kill.unclean_shutdown_not_idle = true;
    report::ExitPolicy policy{report::KillAllowance::Any, true, false};
    CHECK(run_exit_code({crash}, 0, false, kAllowAny) == exit_codes::kSuccess);
    CHECK(run_exit_code({crash}, 0, false, policy) == exit_codes::kUncleanShutdown);
    CHECK(run_exit_line({crash}, 0, false, policy) ==
          "exit code 5: runtime crashed in the Shutdown phase (signal 11) (--fail-on crashed: --allow-kill lets only "
          "kills pass)");
    CHECK(run_exit_code({kill}, 0, false, policy) == exit_codes::kSuccess);
}

TEST_CASE("--fail-on reads comma-separated verdicts and refuses what contradicts --allow-kill in one line")
{
    auto parsed = parse_exit_policy({"not-signalled,crashed"}, "");
    CHECK(parsed.error.empty());
    CHECK(parsed.policy.fail_on_not_signalled);
    CHECK(parsed.policy.fail_on_crashed);
    CHECK(parsed.policy.allow_kill == report::KillAllowance::None);
    parsed = parse_exit_policy({"killed", "not-signalled"}, "");
    CHECK(parsed.error.empty()); // killed fails the run already
    CHECK(parsed.policy.fail_on_not_signalled);
    CHECK(parse_exit_policy({}, "idle").policy.allow_kill == report::KillAllowance::Idle);
    CHECK(parse_exit_policy({"crashed"}, "all").policy.allow_kill == report::KillAllowance::Any);
    CHECK(parse_exit_policy({"killed"}, "all").error ==
          "--fail-on killed contradicts --allow-kill: a kill fails the run unless --allow-kill lets it pass; give one "
          "of the two");
    CHECK(parse_exit_policy({"killed"}, "idle").error.find("contradicts --allow-kill=idle") != std::string::npos);
    CHECK(parse_exit_policy({"graceful"}, "").error ==
          "--fail-on graceful: a graceful shutdown is the one that passes; --fail-on takes killed, crashed, "
          "not-signalled");
    CHECK(parse_exit_policy({"not-signaled"}, "").error ==
          "--fail-on not-signaled: 'not-signaled' is not a verdict; --fail-on takes killed, crashed, not-signalled "
          "(comma-separated)");
    CHECK(!parse_exit_policy({"crashed,"}, "").error.empty());
}
