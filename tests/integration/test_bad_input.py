"""Bad input gets a clear message, a distinct exit code, and loses nothing."""
import os
import socket
import tempfile
import unittest

import harness

PYTHON = harness.SAMPLES / "python-runtime" / "bootstrap"
ECHO = harness.runtime("echo")


class BadInput(unittest.TestCase):
    def test_unreadable_event_file(self):
        run = harness.run(PYTHON, "--event", "/nonexistent/event.json")
        self.assertEqual(run.code, 2, run)
        self.assertIn("cannot read event file /nonexistent/event.json: No such file or directory", run.stderr)
        self.assertEqual(run.results, [])
        self.assertNotIn("START", run.stderr, "nothing runs when an event cannot be read")

    def test_invalid_json_event_names_the_file_and_the_position(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as bad:
            bad.write('{"unterminated": ')
        try:
            run = harness.run(PYTHON, "--event", bad.name)
        finally:
            os.unlink(bad.name)
        self.assertEqual(run.code, 2, run)
        self.assertIn(f"event {bad.name} is not valid JSON", run.stderr)
        self.assertIn("parse error", run.stderr)

    def test_any_json_value_is_an_event_and_stdin_works(self):
        run = harness.run(ECHO, "--event", "-", stdin='  "just a string"  ')
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"]["event"], "just a string")

    def test_port_in_use_is_a_clear_error(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            run = harness.run(PYTHON, "--port", str(port))
        self.assertEqual(run.code, 6, run)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}: Address already in use", run.stderr)

    def test_fixed_port_is_used_when_free(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        run = harness.run(ECHO, "--port", str(port))
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"]["env"]["AWS_LAMBDA_RUNTIME_API"], f"127.0.0.1:{port}")


if __name__ == "__main__":
    unittest.main()
