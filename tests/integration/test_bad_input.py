"""Bad input gets a clear message, a distinct exit code, and loses nothing."""
import os
import socket
import subprocess
import tempfile
import time
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


# Lambda's rule for a variable's name (API_Environment: the Variables key pattern).
NAME_RULE = "it must match [a-zA-Z]([a-zA-Z0-9_])+"


class BoundedVariables(unittest.TestCase):
    """--env and --env-file as Lambda takes variables: names of its pattern, 4 KB in all, and a file
    read with a bound, so a device or a pipe that never ends cannot hang the emulator."""

    def assert_refused(self, run, expected):
        self.assertEqual(run.code, 2, run)
        self.assertEqual([line for line in run.stderr.splitlines() if "error" in line],
                         [f"[lambda-emu] error: {expected}"], run)
        self.assertEqual(run.results, [])

    def test_a_name_lambda_would_refuse_is_refused_with_its_rule(self):
        for name in ("1BAD", "A\nB", "X", "WITH-DASH"):
            with self.subTest(name=name):
                run = harness.run(ECHO, "--env", f"{name}=y")
                quoted = name.replace("\n", "\\n")
                self.assert_refused(run, f'--env: "{quoted}" is not a variable name Lambda accepts: {NAME_RULE} '
                                         "(a letter, then one or more letters, digits or underscores)")

    def test_variables_over_4_kb_are_refused_as_lambda_measures_them(self):
        # {"BIG":"..."}: 10 bytes around the value. 4086 bytes of value make 4096: the limit itself.
        at_limit = harness.run(ECHO, "--env", "BIG=" + "x" * 4086, "--env", "BIG=" + "y" * 4086)
        self.assertEqual(at_limit.code, 0, at_limit)
        self.assertEqual(at_limit.results[0]["payload"]["env"]["BIG"], "y" * 4086)
        run = harness.run(ECHO, "--env", "BIG=" + "x" * 4000, "--env", "MORE=" + "x" * 100)
        self.assert_refused(run, "the environment variables measure 4120 bytes, over Lambda's 4 KB limit (4096 "
                                 'bytes of {"KEY":"VALUE",...}, as Lambda measures them); the largest is "BIG" '
                                 "(4008 bytes)")

    def test_an_env_file_that_is_a_device_is_refused_at_once(self):
        run = harness.run(ECHO, "--env-file", "/dev/zero", timeout=20)
        self.assert_refused(run, "--env-file /dev/zero is a character device, not a file or a pipe")

    def test_an_env_file_over_64_kb_is_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".env") as big:
            big.write("# padding\n" * 7000)
            big.flush()
            run = harness.run(ECHO, "--env-file", big.name)
        self.assert_refused(run, f"--env-file {big.name} is larger than 64 KB (65536 bytes), lambda-emu's "
                                 "limit for an env file: Lambda takes 4 KB of variables in all")

    def test_an_env_file_may_be_a_pipe_as_from_process_substitution(self):
        # `--env-file <(command)` gives a /dev/fd/N pipe; /dev/stdin fed by a pipe is the same.
        run = harness.run(ECHO, "--env-file", "/dev/stdin", stdin="# from a pipe\nFROM_PIPE=yes\n")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"]["env"]["FROM_PIPE"], "yes")

    def test_a_pipe_that_never_ends_is_refused_at_its_bound(self):
        # `--env-file <(yes A1=x)`: read no further than 64 KB.
        producer = subprocess.Popen(["yes", "A1=x"], stdout=subprocess.PIPE)
        try:
            done = subprocess.run([harness.EMULATOR, "run", str(ECHO), "--env-file", "/dev/stdin"],
                                  stdin=producer.stdout, capture_output=True, text=True, timeout=20)
        finally:
            producer.kill()
            producer.wait()
            producer.stdout.close()
        self.assert_refused(harness.Run(done.returncode, done.stdout, done.stderr),
                            "--env-file /dev/stdin is larger than 64 KB (65536 bytes), lambda-emu's limit for an env file: "
                            "Lambda takes 4 KB of variables in all")

    def test_a_pipe_that_never_closes_is_refused_after_its_deadline(self):
        reader, writer = os.pipe()
        try:
            os.write(writer, b"HALF=written\n")  # and the writer never finishes
            started = time.monotonic()
            done = subprocess.run([harness.EMULATOR, "run", str(ECHO), "--env-file", "/dev/stdin"], stdin=reader,
                                  capture_output=True, text=True, timeout=30)
            elapsed = time.monotonic() - started
        finally:
            os.close(reader)
            os.close(writer)
        self.assertLess(elapsed, 20)
        self.assert_refused(harness.Run(done.returncode, done.stdout, done.stderr),
                            "--env-file /dev/stdin is a pipe that did not end within 10 s; its writer must finish "
                            "(as `<(command)` does when the command exits)")

if __name__ == "__main__":
    unittest.main()
