"""The Shutdown phase, row by row of the table in docs/lambda-rules.md §4.4, and every verdict, asserted on the times
the emulator itself recorded in its JSON report (generous margins, no wall-clock asserts)."""
import json
import os
import shutil
import tempfile
import unittest

import harness

RUNTIME = harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap"
EXTENSIONS = harness.SAMPLES / "extensions"
MARGIN_MS = 150  # scheduling noise on a shared machine; the logic is in the emulator's own timestamps


def run_with_report(bootstrap, *args, events=None):
    name = harness.unique_name("shutdown")
    with tempfile.TemporaryDirectory() as folder:
        report_path = os.path.join(folder, "report.json")
        outcome = harness.run(bootstrap, *args, "--report", report_path, name=name, events=events or [{}])
        with open(report_path) as f:
            report = json.load(f)
    return outcome, report, name


def process(shutdown, name):
    return next(p for p in shutdown["processes"] if p["name"] == name)


class ShutdownTable(unittest.TestCase):
    def assert_clean(self, name):
        harness.assert_nothing_left(self, name)

    def test_no_extension_means_sigkill_at_once_and_not_signalled(self):
        outcome, report, name = run_with_report(RUNTIME, "--env", "CLEANUP_MS=50")
        shutdown = report["shutdowns"][-1]
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(shutdown["budget"], {"sigterm": False, "runtimeShareMs": 0, "phaseMs": 0,
                                              "source": "Lambda: no extension registered"})
        runtime = process(shutdown, "runtime")
        self.assertEqual(runtime["verdict"], "not-signalled")
        self.assertIsNone(runtime["sigtermMs"])
        self.assertEqual(runtime["sigkillMs"], 0.0)
        self.assertEqual(runtime["exit"]["signal"], 9)
        self.assertNotIn("SIGTERM: cleaning up", outcome.stderr)
        self.assertTrue(any("no SIGTERM" in d for d in shutdown["diagnostics"]))
        harness.assert_nothing_left(self, name)

    def test_internal_only_gives_500_ms_and_a_400_ms_cleanup_is_graceful(self):
        outcome, report, name = run_with_report(RUNTIME, "--env", "INTERNAL_EXTENSION=1", "--env", "CLEANUP_MS=400")
        shutdown = report["shutdowns"][-1]
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual((shutdown["budget"]["runtimeShareMs"], shutdown["budget"]["phaseMs"]), (500, 500))
        self.assertEqual(shutdown["registeredExtensions"], {"internal": 1, "external": 0})
        runtime = process(shutdown, "runtime")
        self.assertEqual(runtime["verdict"], "graceful")
        self.assertEqual(runtime["sigtermMs"], 0.0)
        self.assertEqual(runtime["deadlineMs"], 500.0)
        self.assertGreaterEqual(runtime["cleanupDurationMs"], 400)
        self.assertLess(runtime["cleanupDurationMs"], 500)
        self.assertAlmostEqual(runtime["headroomMs"], 500 - runtime["exitObservedMs"], delta=0.2)
        self.assertIn("[runtime] cleanup done", outcome.stderr)
        harness.assert_nothing_left(self, name)

    def test_external_extension_gives_300_ms_and_a_400_ms_cleanup_is_killed(self):
        outcome, report, name = run_with_report(RUNTIME, "--env", "CLEANUP_MS=400",
                                                "--extension", str(EXTENSIONS / "shutdown-logger"))
        shutdown = report["shutdowns"][-1]
        self.assertEqual(outcome.code, 5, outcome)
        self.assertEqual((shutdown["budget"]["runtimeShareMs"], shutdown["budget"]["phaseMs"]), (300, 2000))
        runtime = process(shutdown, "runtime")
        self.assertEqual(runtime["verdict"], "killed")
        self.assertEqual(runtime["deadlineMs"], 300.0)
        self.assertGreaterEqual(runtime["sigkillMs"], 300)
        self.assertLess(runtime["sigkillMs"], 300 + MARGIN_MS)
        self.assertNotIn("[runtime] cleanup done", outcome.stderr)
        # Asleep in its cleanup (time.sleep) when killed: the evidence says it was cut short.
        self.assertTrue(any(d.startswith("The runtime") and "cut short" in d for d in shutdown["diagnostics"]))
        logger = process(shutdown, "shutdown-logger")
        self.assertEqual(logger["verdict"], "graceful")
        # Extensions get SHUTDOWN only once the runtime is gone.
        self.assertGreaterEqual(logger["shutdownEventMs"], runtime["exitObservedMs"])
        self.assertEqual(logger["deadlineMs"], 2000.0)
        harness.assert_nothing_left(self, name)

    def test_allow_kill_keeps_the_exit_code_at_zero(self):
        outcome, _, _ = run_with_report(RUNTIME, "--env", "CLEANUP_MS=400", "--allow-kill",
                                        "--extension", str(EXTENSIONS / "shutdown-logger"))
        self.assertEqual(outcome.code, 0, outcome)

    def test_external_and_internal_give_the_runtime_500_ms(self):
        outcome, report, name = run_with_report(RUNTIME, "--env", "CLEANUP_MS=400", "--env", "INTERNAL_EXTENSION=1",
                                                "--extension", str(EXTENSIONS / "shutdown-logger"))
        shutdown = report["shutdowns"][-1]
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual((shutdown["budget"]["runtimeShareMs"], shutdown["budget"]["phaseMs"]), (500, 2000))
        self.assertEqual(process(shutdown, "runtime")["verdict"], "graceful")
        harness.assert_nothing_left(self, name)

    def test_runtime_that_ignores_sigterm_is_killed_at_its_deadline(self):
        outcome, report, name = run_with_report(RUNTIME, "--env", "IGNORE_SIGTERM=1",
                                                "--extension", str(EXTENSIONS / "telemetry-flusher"))
        runtime = process(report["shutdowns"][-1], "runtime")
        self.assertEqual(outcome.code, 5, outcome)
        self.assertEqual(runtime["verdict"], "killed")
        self.assertGreaterEqual(runtime["sigkillMs"], 300)
        self.assertEqual(runtime["exit"]["signal"], 9)
        harness.assert_nothing_left(self, name)

    def test_extension_that_ignores_shutdown_is_killed_at_the_end_of_the_phase(self):
        outcome, report, name = run_with_report(RUNTIME, "--extension", str(EXTENSIONS / "ignores-shutdown"))
        shutdown = report["shutdowns"][-1]
        ignorer = process(shutdown, "ignores-shutdown")
        self.assertEqual(outcome.code, 5, outcome)
        self.assertEqual(ignorer["verdict"], "killed")
        self.assertIsNotNone(ignorer["shutdownEventMs"])
        self.assertGreaterEqual(ignorer["sigkillMs"], 2000)
        self.assertLess(ignorer["sigkillMs"], 2000 + MARGIN_MS)
        self.assertIn("[ext:ignores-shutdown] got SHUTDOWN; ignoring it", outcome.stderr)
        harness.assert_nothing_left(self, name)

    def test_shutdown_budget_override_is_used_and_named(self):
        outcome, report, name = run_with_report(RUNTIME, "--shutdown-budget", "700", "--runtime-grace", "100",
                                                "--extension", str(EXTENSIONS / "ignores-shutdown"))
        shutdown = report["shutdowns"][-1]
        self.assertEqual((shutdown["budget"]["runtimeShareMs"], shutdown["budget"]["phaseMs"]), (100, 700))
        self.assertIn("--shutdown-budget", shutdown["budget"]["source"])
        self.assertGreaterEqual(process(shutdown, "ignores-shutdown")["sigkillMs"], 700)
        self.assertLess(process(shutdown, "ignores-shutdown")["sigkillMs"], 700 + MARGIN_MS)
        harness.assert_nothing_left(self, name)

    def test_runtime_grace_override_turns_a_kill_into_graceful(self):
        outcome, report, _ = run_with_report(RUNTIME, "--env", "CLEANUP_MS=400", "--runtime-grace", "800",
                                             "--extension", str(EXTENSIONS / "shutdown-logger"))
        shutdown = report["shutdowns"][-1]
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(shutdown["budget"]["runtimeShareMs"], 800)
        self.assertIn("--runtime-grace", shutdown["budget"]["source"])
        self.assertEqual(process(shutdown, "runtime")["verdict"], "graceful")

    def test_extension_not_subscribed_to_shutdown_is_killed_at_once(self):
        outcome, report, name = run_with_report(RUNTIME, "--extension", str(EXTENSIONS / "invoke-only"))
        shutdown = report["shutdowns"][-1]
        invoke_only = process(shutdown, "invoke-only")
        runtime = process(shutdown, "runtime")
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(invoke_only["verdict"], "not-signalled")
        self.assertIsNone(invoke_only["shutdownEventMs"])
        self.assertGreaterEqual(invoke_only["sigkillMs"], runtime["exitObservedMs"])
        self.assertTrue(any("did not subscribe to SHUTDOWN" in d for d in shutdown["diagnostics"]))
        harness.assert_nothing_left(self, name)

    def test_shell_bootstrap_that_does_not_exec_is_named(self):
        outcome, report, name = run_with_report(harness.runtime("shell-no-exec"),
                                                "--extension", str(EXTENSIONS / "shutdown-logger"))
        shutdown = report["shutdowns"][-1]
        self.assertTrue(any("does not `exec`" in d for d in shutdown["diagnostics"]), shutdown)
        harness.assert_nothing_left(self, name)


class ResetsWithExtensions(unittest.TestCase):
    def test_extension_crash_mid_invocation_is_extension_crash_and_a_failure_reset(self):
        outcome, report, name = run_with_report(
            RUNTIME, "--extension", str(EXTENSIONS / "crashes-on-invoke"),
            "--extension", str(EXTENSIONS / "shutdown-logger"), events=[{"n": 1}, {"n": 2}])
        self.assertEqual(outcome.code, 4, outcome)
        invocation = report["invocations"][0]
        self.assertEqual((invocation["status"], invocation["errorType"]), ("failure", "Extension.Crash"))
        # The runtime may have answered before the crash: then the caller keeps its answer.
        if outcome.results[0]["functionError"]:
            self.assertEqual(outcome.results[0]["errorType"], "Extension.Crash")
        reset = report["shutdowns"][0]
        self.assertEqual((reset["reason"], reset["final"]), ("failure", False))
        self.assertEqual(process(reset, "crashes-on-invoke")["verdict"], "crashed")
        self.assertTrue(process(reset, "crashes-on-invoke")["exitedBeforeShutdown"])
        self.assertIn("[ext:shutdown-logger] SHUTDOWN (failure)", outcome.stderr)
        harness.assert_nothing_left(self, name)

    def test_timeout_reset_sends_shutdown_with_reason_timeout(self):
        outcome, report, name = run_with_report(
            harness.misbehaving("sleeps-past-timeout"), "--timeout", "1",
            "--extension", str(EXTENSIONS / "shutdown-logger"), events=[{"sleep": 30}, {}])
        self.assertEqual(outcome.code, 4, outcome)
        self.assertIn("[ext:shutdown-logger] SHUTDOWN (timeout)", outcome.stderr)
        self.assertIn("[ext:shutdown-logger] SHUTDOWN (spindown)", outcome.stderr)
        self.assertEqual([s["reason"] for s in report["shutdowns"]], ["timeout", "spindown"])
        self.assertEqual(outcome.results[1]["functionError"], None)
        harness.assert_nothing_left(self, name)

    def test_extension_init_error_fails_init(self):
        outcome, report, name = run_with_report(RUNTIME, "--extension", str(EXTENSIONS / "init-error"))
        self.assertEqual(outcome.code, 3, outcome)
        self.assertIn('[ext:init-error] init/error answered 202 {"status":"OK"}', outcome.stderr)
        self.assertEqual(report["inits"][0]["status"], "error")
        self.assertEqual(report["inits"][0]["errorType"], "Extension.InitError")
        self.assertEqual(outcome.results[0]["errorType"], "Extension.InitError")
        harness.assert_nothing_left(self, name)

    def test_extension_exit_error_fails_the_invocation(self):
        outcome, report, name = run_with_report(RUNTIME, "--extension", str(EXTENSIONS / "exit-error"), events=[{}, {}])
        self.assertEqual(outcome.code, 4, outcome)
        self.assertIn('[ext:exit-error] exit/error answered 202 {"status":"OK"}', outcome.stderr)
        invocation = report["invocations"][0]
        self.assertEqual((invocation["status"], invocation["errorType"]), ("failure", "Extension.ExitError"))
        self.assertEqual(report["shutdowns"][0]["reason"], "failure")
        self.assertIn("INIT_REPORT", outcome.stderr, "the next invocation initialised a new environment")
        harness.assert_nothing_left(self, name)


    def test_extension_that_never_asks_for_its_shutdown_event_is_named(self):
        outcome, report, name = run_with_report(RUNTIME, "--timeout", "1",
                                                "--extension", str(EXTENSIONS / "hangs-on-invoke"), events=[{}, {}])
        reset = report["shutdowns"][0]
        self.assertEqual(reset["reason"], "timeout")
        stuck = process(reset, "hangs-on-invoke")
        self.assertIsNone(stuck["shutdownEventMs"])
        self.assertEqual(stuck["verdict"], "killed")
        self.assertTrue(any("never called /extension/event/next" in d for d in reset["diagnostics"]), reset)
        harness.assert_nothing_left(self, name)

    def test_second_interrupt_kills_at_once(self):
        import signal
        import time
        name = harness.unique_name()
        with tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            emulator = harness.start(RUNTIME, "--env", "IGNORE_SIGTERM=1", "--shutdown-budget", "60000",
                                     "--runtime-grace", "30000", "--extension", str(EXTENSIONS / "ignores-shutdown"),
                                     "--report", report_path, name=name)
            harness.wait_for_stderr_line(emulator, "EXTENSION")
            time.sleep(0.3)  # Init done: the runtime is parked on /next
            emulator.send_signal(signal.SIGINT)
            # Signals of one kind do not queue: send the second only once the first was handled.
            harness.wait_for_stderr_line(emulator, "interrupted by SIGINT")
            emulator.send_signal(signal.SIGINT)
            emulator.communicate(timeout=20)
            with open(report_path) as f:
                report = json.load(f)
        self.assertEqual(emulator.returncode, 130)
        runtime = process(report["shutdowns"][-1], "runtime")
        self.assertEqual(runtime["verdict"], "killed")
        self.assertLess(runtime["sigkillMs"], 10000, "killed by the second SIGINT, long before its 30 s share")
        harness.assert_nothing_left(self, name)


class Discovery(unittest.TestCase):
    def test_opt_extensions_beside_the_bootstrap_are_started(self):
        with tempfile.TemporaryDirectory() as folder:
            os.chmod(folder, 0o755)  # the function's folder, readable by the sandbox's user
            os.makedirs(os.path.join(folder, "opt", "extensions"))
            bootstrap = shutil.copy(RUNTIME, os.path.join(folder, "bootstrap"))
            shutil.copy(EXTENSIONS / "shutdown-logger", os.path.join(folder, "opt", "extensions", "shutdown-logger"))
            outcome, report, name = run_with_report(bootstrap)
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual([e["name"] for e in report["environment"]["extensions"]], ["shutdown-logger"])
        self.assertIn("[ext:shutdown-logger] SHUTDOWN (spindown)", outcome.stderr)
        harness.assert_nothing_left(self, name)


if __name__ == "__main__":
    unittest.main()
