"""Timeouts and re-init, crashes, init failures and the suppressed init, bad entrypoints, and
the exit-code contract (docs/lambda-rules.md §4.1, 4.3)."""
import json
import os
import stat
import tempfile
import unittest

import harness


class Timeouts(unittest.TestCase):
    def test_timeout_gives_sandbox_timedout_then_the_next_invocation_reinitialises(self):
        name = harness.unique_name()
        run = harness.run(harness.misbehaving("sleeps-past-timeout"), "--timeout", "1", name=name,
                          events=[{"sleep": 30}, {"sleep": 0}])
        self.assertEqual(run.code, 4, run)
        timed_out, recovered = run.results
        self.assertEqual(timed_out["functionError"], "Unhandled")
        self.assertEqual(timed_out["payload"], {
            "errorType": "Sandbox.Timedout",
            "errorMessage": f"RequestId: {timed_out['requestId']} Error: Task timed out after 1.00 seconds"})
        self.assertIsNone(recovered["functionError"])
        self.assertIn("Reset (reason timeout)", run.stderr)
        self.assertEqual(len(run.lines("[runtime] runtime ")), 2, "a second runtime was initialised")
        self.assertEqual(len(run.lines("INIT_REPORT ")), 1)
        self.assertIn("Phase: invoke\tStatus: success", run.lines("INIT_REPORT ")[0])
        self.assertTrue(run.lines("REPORT RequestId: " + timed_out["requestId"])[0].endswith("Status: timeout"))
        harness.assert_nothing_left(self, name)


class Crashes(unittest.TestCase):
    def crash(self, event):
        name = harness.unique_name()
        run = harness.run(harness.misbehaving("crashes-mid-invocation"), name=name, events=[event, {}])
        harness.assert_nothing_left(self, name)
        return run

    def test_exit_code_crash_gives_runtime_exit_error_and_a_reset(self):
        run = self.crash({"exit": 3})
        self.assertEqual(run.code, 4, run)
        crashed, after = run.results
        message = f"RequestId: {crashed['requestId']} Error: Runtime exited with error: exit status 3"
        self.assertEqual(crashed["payload"], {"errorMessage": message, "errorType": "Runtime.ExitError"})
        self.assertEqual(crashed["functionError"], "Unhandled")
        self.assertIn(message, run.stderr)
        self.assertIn("Reset (reason failure)", run.stderr)
        self.assertEqual(after["payload"]["survived"], True)

    def test_signal_crash_names_the_signal(self):
        run = self.crash({"signal": "SIGSEGV"})
        self.assertIn("Runtime exited with error: signal: segmentation fault", run.results[0]["payload"]["errorMessage"])

    def test_exit_zero_mid_invocation_is_exited_without_providing_a_reason(self):
        run = self.crash({"exit": 0})
        self.assertTrue(run.results[0]["payload"]["errorMessage"].endswith("Runtime exited without providing a reason"))


class InitFailures(unittest.TestCase):
    def test_exit_during_init_then_suppressed_init_fails_the_same_way(self):
        name = harness.unique_name()
        run = harness.run(harness.misbehaving("exits-during-init"), name=name, events=[{}, {}])
        self.assertEqual(run.code, 3, run)
        reports = run.lines("INIT_REPORT ")
        self.assertEqual(len(reports), 3, run)  # the cold init, then one suppressed init per invocation
        self.assertRegex(reports[0], r"^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\t"
                                     r"Error Type: Runtime.ExitError$")
        self.assertIn("Phase: invoke\tStatus: error\tError Type: Runtime.ExitError", reports[1])
        for result in run.results:
            self.assertEqual(result["payload"], {
                "errorMessage": f"RequestId: {result['requestId']} Error: Runtime exited with error: exit status 1",
                "errorType": "Runtime.ExitError"})
        # The suppressed init's INIT_REPORT precedes the invocation's START, as on AWS.
        lines = [l for l in run.stderr.splitlines() if l.startswith(("INIT_REPORT", "START"))]
        self.assertEqual([l.split()[0] for l in lines], ["INIT_REPORT", "INIT_REPORT", "START", "INIT_REPORT", "START"])
        self.assertIn("[runtime] fatal: configuration file missing", run.stderr)
        harness.assert_nothing_left(self, name)

    def test_init_error_body_is_returned_to_the_caller(self):
        run = harness.run(harness.misbehaving("init-error"))
        self.assertEqual(run.code, 3, run)
        self.assertIn('[runtime] init/error answered 202 {"status":"OK"}', run.stderr)
        self.assertEqual(run.results[0]["payload"], {"errorMessage": "database URL not configured",
                                                     "errorType": "Runtime.ConfigError"})
        self.assertEqual(run.results[0]["errorType"], "Runtime.ConfigError")
        self.assertIn("Status: error\tError Type: Runtime.ConfigError", run.lines("INIT_REPORT ")[0])

    def test_a_retried_init_that_fails_the_same_way_says_so_instead_of_printing_it_again(self):
        name = harness.unique_name()
        run = harness.run(harness.runtime("init-error-verbose"), name=name)
        self.assertEqual(run.code, 3, run)
        self.assertEqual(len(run.lines("INIT_REPORT ")), 2, run)
        # The runtime's twelve lines once (the retry's differ only in their times), then one note.
        self.assertEqual(run.stderr.count("[runtime] init step 1 of 12"), 1, run.stderr)
        self.assertEqual(run.stderr.count("giving up: 'no database'"), 1, run.stderr)
        self.assertEqual(len(run.lines("[lambda-emu] the runtime printed the same 12 lines as in the failed Init "
                                       "before (not shown again)")), 1, run.stderr)
        # Each attempt's own line names the error and its message's first line.
        failed = run.lines("[lambda-emu] Init failed after ")
        self.assertEqual(len(failed), 2, run.stderr)
        for line in failed:
            self.assertIn('(error, Runtime.ConfigError: DATABASE_URL <unset> & "required"): the next invocation', line)
        harness.assert_nothing_left(self, name)

    def test_init_timeout(self):
        with tempfile.TemporaryDirectory() as folder:
            bootstrap = os.path.join(folder, "bootstrap")
            with open(bootstrap, "w") as f:
                f.write("#!/bin/sh\nexec sleep 60\n")
            os.chmod(bootstrap, 0o755)
            os.chmod(folder, 0o755)
            name = harness.unique_name()
            run = harness.run(bootstrap, "--init-timeout", "0.5", "--timeout", "0.5", name=name)
        self.assertEqual(run.code, 4, run)  # the suppressed init runs into the invocation's timeout
        line = run.lines("INIT_REPORT ")[0]
        self.assertRegex(line, r"^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: timeout$")
        self.assertGreaterEqual(float(line.split("Init Duration: ")[1].split(" ")[0]), 500.0)
        self.assertEqual(run.results[0]["errorType"], "Sandbox.Timedout")
        harness.assert_nothing_left(self, name)


class Entrypoints(unittest.TestCase):
    """A bootstrap that cannot run is a slip on the command line: one usage error line, nothing
    started (Lambda would fail the same function's Init with Runtime.InvalidEntrypoint)."""

    def test_missing_bootstrap_is_a_usage_error(self):
        with tempfile.TemporaryDirectory() as folder:
            bootstrap = os.path.join(folder, "bootstrap")
            run = harness.run(bootstrap)
        self.assertEqual(run.code, 2, run)
        self.assertEqual(run.stderr.splitlines(),
                         [f"[lambda-emu] error: bootstrap {bootstrap} does not exist (Lambda would fail its Init "
                          "with Runtime.InvalidEntrypoint)"])
        self.assertEqual(run.stdout, "")
        nowhere = harness.run("/no/such/folder/bootstrap")
        self.assertEqual(nowhere.code, 2, nowhere)
        self.assertIn("(nor does its folder /no/such/folder)", nowhere.stderr)

    def test_bootstrap_that_is_not_executable_is_a_usage_error(self):
        with tempfile.TemporaryDirectory() as folder:
            bootstrap = os.path.join(folder, "bootstrap")
            with open(bootstrap, "w") as f:
                f.write("#!/bin/sh\necho never\n")
            os.chmod(bootstrap, stat.S_IRUSR | stat.S_IWUSR)
            run = harness.run(bootstrap)
        self.assertEqual(run.code, 2, run)
        self.assertEqual(run.stderr.splitlines(),
                         [f"[lambda-emu] error: bootstrap {bootstrap} is not executable: chmod +x it (Lambda would "
                          "fail its Init with Runtime.InvalidEntrypoint)"])

    def test_a_folder_is_a_usage_error_that_names_runtime(self):
        with tempfile.TemporaryDirectory() as folder:
            run = harness.run(folder)
        self.assertEqual(run.code, 2, run)
        self.assertIn("is a folder: to run a handler in it, add --runtime", run.stderr)
        self.assertEqual(len(run.stderr.splitlines()), 1, run.stderr)


class ExitCodes(unittest.TestCase):
    def test_success_is_zero_and_function_error_is_one(self):
        python = harness.SAMPLES / "python-runtime" / "bootstrap"
        ok = harness.run(python, events=[{"numbers": [1, 2, 3]}])
        self.assertEqual(ok.code, 0, ok)
        self.assertEqual(ok.results[0]["payload"]["sum"], 6)
        failed = harness.run(python, events=[{"fail": True}])
        self.assertEqual(failed.code, 1, failed)
        self.assertEqual(failed.results[0]["payload"]["errorMessage"], "asked to fail")
        self.assertEqual(failed.results[0]["errorType"], "Runtime.UnhandledError")

    def test_usage_errors_are_two(self):
        self.assertEqual(harness.run(harness.SAMPLES / "python-runtime" / "bootstrap", "--no-such-flag").code, 2)
        self.assertEqual(harness.run(harness.SAMPLES / "python-runtime" / "bootstrap", "--memory", "64").code, 2)


if __name__ == "__main__":
    unittest.main()
