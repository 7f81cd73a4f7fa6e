"""No child outlives the emulator: after normal runs, after SIGINT or SIGTERM mid-invocation, when
the emulator itself is killed, and when a shell bootstrap did not exec its runtime."""
import os
import signal
import time
import unittest

import harness

SLEEPER = harness.misbehaving("sleeps-past-timeout")


class NoProcessLeft(unittest.TestCase):
    def interrupt_mid_invocation(self, signum, expected_code):
        name = harness.unique_name()
        import json, tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as event:
            json.dump({"sleep": 60}, event)
        emulator = harness.start(SLEEPER, "--timeout", "120", "--event", event.name, name=name)
        try:
            harness.wait_for_stderr_line(emulator, "sleeping 60 s")
            self.assertTrue(harness.processes_of(name), "the runtime should be running")
            emulator.send_signal(signum)
            stdout, stderr = emulator.communicate(timeout=30)
        finally:
            os.unlink(event.name)
            if emulator.poll() is None:
                emulator.kill()
            harness.kill_leftovers(name)
        self.assertEqual(emulator.returncode, expected_code, stderr)
        self.assertIn('"errorType":"Emulator.Interrupted"', stdout)
        self.assertIn("Shutdown (spindown)", stderr)
        self.assertIn("not-signalled", stderr)
        harness.assert_nothing_left(self, name)

    def test_sigint_mid_invocation(self):
        self.interrupt_mid_invocation(signal.SIGINT, 130)

    def test_sigterm_mid_invocation(self):
        self.interrupt_mid_invocation(signal.SIGTERM, 143)

    def test_emulator_killed_outright_takes_its_children_along(self):
        name = harness.unique_name()
        import json, tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as event:
            json.dump({"sleep": 60}, event)
        emulator = harness.start(SLEEPER, "--timeout", "120", "--event", event.name, name=name)
        try:
            harness.wait_for_stderr_line(emulator, "sleeping 60 s")
            emulator.kill()
            emulator.wait(timeout=10)
        finally:
            os.unlink(event.name)
        harness.assert_nothing_left(self, name, grace_s=5)
        harness.kill_leftovers(name)

    def test_shell_bootstrap_without_exec_leaves_nothing(self):
        name = harness.unique_name()
        run = harness.run(harness.runtime("shell-no-exec"), name=name, events=[{}, {}])
        self.assertEqual(run.code, 0, run)
        self.assertEqual(len(run.results), 2)
        harness.assert_nothing_left(self, name)

    def test_samples_leave_nothing(self):
        for sample, handler in (("bash-runtime", "function.handler"), ("python-runtime", "function.handler"),
                                ("node-runtime", "index.handler")):
            with self.subTest(sample=sample):
                name = harness.unique_name()
                run = harness.run(harness.SAMPLES / sample / "bootstrap", "--handler", handler, name=name, events=[{}])
                self.assertEqual(run.code, 0, run)
                harness.assert_nothing_left(self, name)


if __name__ == "__main__":
    unittest.main()
