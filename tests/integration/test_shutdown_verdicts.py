"""--fail-on VERDICT: a run whose runtime Lambda kills without SIGTERM (no extension registered)
passes as on Lambda, and fails with --fail-on not-signalled; --extension builtin:shutdown-listener
registers an extension so that the runtime gets SIGTERM. Asserted on the exit code, the run's last
line and the JSON report."""
import json
import os
import tempfile
import unittest

import harness

RUNTIME = harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap"
SHUTDOWN_LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"


def run_with_report(*args):
    name = harness.unique_name("verdicts")
    with tempfile.TemporaryDirectory() as folder:
        report_path = os.path.join(folder, "report.json")
        outcome = harness.run(RUNTIME, "--env", "CLEANUP_MS=50", *args, "--report", report_path, name=name,
                              events=[{}])
        with open(report_path) as f:
            report = json.load(f)
    return outcome, report, name


def process(report, name):
    return next(p for p in report["shutdowns"][-1]["processes"] if p["name"] == name)


def last_line(outcome):
    return outcome.stderr.strip().splitlines()[-1]


class FailOn(unittest.TestCase):
    def test_a_runtime_not_signalled_passes_without_the_flag(self):
        outcome, report, name = run_with_report()
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(process(report, "runtime")["verdict"], "not-signalled")
        self.assertIn("--fail-on not-signalled fails the run on that", last_line(outcome))
        harness.assert_nothing_left(self, name)

    def test_fail_on_not_signalled_fails_the_run_with_exit_code_7(self):
        outcome, report, name = run_with_report("--fail-on", "not-signalled")
        self.assertEqual(outcome.code, 7, outcome)
        self.assertEqual(process(report, "runtime")["verdict"], "not-signalled")
        self.assertNotIn("SIGTERM: cleaning up", outcome.stderr)
        reason = ("runtime was not signalled (no extension registered, so Lambda kills it without SIGTERM; "
                  "--fail-on not-signalled)")
        self.assertEqual(last_line(outcome), "[lambda-emu] exit code 7: " + reason)
        self.assertEqual(report["exitCode"], 7)
        self.assertEqual(report["exitReason"], reason)
        harness.assert_nothing_left(self, name)

    def test_fail_on_not_signalled_passes_when_an_extension_registered(self):
        outcome, report, name = run_with_report("--fail-on", "not-signalled,crashed",
                                                "--extension", str(SHUTDOWN_LOGGER))
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(process(report, "runtime")["verdict"], "graceful")
        self.assertIn("SIGTERM: cleaning up", outcome.stderr)
        harness.assert_nothing_left(self, name)

    def test_fail_on_killed_beside_allow_kill_is_one_line(self):
        outcome = harness.run(RUNTIME, "--fail-on", "killed", "--allow-kill", events=[{}])
        self.assertEqual(outcome.code, 2, outcome)
        self.assertEqual(outcome.stderr.strip(),
                         "[lambda-emu] error: --fail-on killed contradicts --allow-kill: a kill fails the run unless "
                         "--allow-kill lets it pass; give one of the two")

    def test_an_unknown_verdict_is_one_line(self):
        outcome = harness.run(RUNTIME, "--fail-on", "not-signaled", events=[{}])
        self.assertEqual(outcome.code, 2, outcome)
        self.assertIn("'not-signaled' is not a verdict; --fail-on takes killed, crashed, not-signalled",
                      outcome.stderr)
        self.assertEqual(len(outcome.stderr.strip().splitlines()), 1, outcome)

    def test_serve_fails_on_not_signalled_too(self):
        with tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            serve = harness.Serve(RUNTIME, "--fail-on", "not-signalled", "--report", report_path)
            with serve:
                status, _, _ = serve.invoke(b"{}")
                self.assertEqual(status, 200)
                code, _, stderr = serve.stop()
            with open(report_path) as f:
                report = json.load(f)
        self.assertEqual(code, 7, stderr)
        self.assertIn("exit code 7: runtime was not signalled", stderr)
        self.assertEqual(report["exitCode"], 7)
        harness.assert_nothing_left(self, serve.name)


class BuiltinShutdownListener(unittest.TestCase):
    def test_the_runtime_gets_sigterm_and_shuts_down_gracefully(self):
        outcome, report, name = run_with_report("--extension", "builtin:shutdown-listener",
                                                "--fail-on", "not-signalled")
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual([e["name"] for e in report["environment"]["extensions"]], ["shutdown-listener"])
        self.assertIn("SIGTERM: cleaning up", outcome.stderr)
        runtime = process(report, "runtime")
        self.assertEqual(runtime["verdict"], "graceful")
        self.assertEqual(runtime["sigtermMs"], 0.0)
        self.assertEqual(process(report, "shutdown-listener")["verdict"], "graceful")
        self.assertEqual(report["shutdowns"][-1]["budget"]["runtimeShareMs"], 300)
        harness.assert_nothing_left(self, name)

    def test_an_unknown_builtin_is_one_line_listing_the_builtins(self):
        outcome = harness.run(RUNTIME, "--extension", "builtin:x", events=[{}])
        self.assertEqual(outcome.code, 2, outcome)
        self.assertEqual(outcome.stderr.strip(),
                         "[lambda-emu] error: --extension builtin:x: no such built-in extension; the built-ins: "
                         "builtin:shutdown-listener")


if __name__ == "__main__":
    unittest.main()
