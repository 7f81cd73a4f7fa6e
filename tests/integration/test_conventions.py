"""The command line as SAM and cargo-lambda users type it: -t for the template, options before or
after the function's path, --allow-kill idle with a space, and one error style for every usage
error, with the nearest option named for a misspelt one."""
import json
import os
import pathlib
import pty
import shutil
import signal
import tempfile
import subprocess
import unittest

import harness

ECHO = harness.runtime("echo")
NODE_FUNCTION = harness.ROOT / "tests" / "integration" / "functions" / "node-cjs"
GO_TEMPLATE = harness.SAMPLES / "graceful-shutdown" / "go" / "template.yaml"


def emulator(*args):
    return subprocess.run([harness.EMULATOR, *args], capture_output=True, text=True, timeout=120)


class Conventions(unittest.TestCase):
    def test_a_misspelt_option_names_the_nearest_one(self):
        done = emulator("run", "--runtim", "nodejs20.x", str(NODE_FUNCTION))
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr.splitlines(),
                         ["[lambda-emu] error: unknown option --runtim; did you mean --runtime? "
                          "(lambda-emu run --help lists every option)"])
        far = emulator("serve", "--completely-unknown", str(ECHO))
        self.assertEqual(far.returncode, 2)
        self.assertEqual(far.stderr.splitlines(),
                         ["[lambda-emu] error: unknown option --completely-unknown (lambda-emu serve --help lists "
                          "every option)"])

    def test_every_usage_error_is_one_line_in_one_style(self):
        for args in (["run"], ["run", "--memory", "lots", str(ECHO)], ["run", "--cpu", "fast", str(ECHO)]):
            with self.subTest(args=args):
                done = emulator(*args)
                self.assertEqual(done.returncode, 2, done.stderr)
                lines = done.stderr.splitlines()
                self.assertEqual(len(lines), 1, done.stderr)
                self.assertTrue(lines[0].startswith("[lambda-emu] error: "), lines[0])

    def test_options_before_the_function_path_and_repeated(self):
        # -e takes one value each time, so the path after it is the function's, not a second event.
        event = pathlib.Path(tempfile.mkdtemp()) / "event.json"
        event.write_text(json.dumps({"n": 1}))
        name = harness.unique_name("order")
        done = emulator("run", "-e", str(event), "-e", str(event), "--function-name", name, str(NODE_FUNCTION),
                        "--runtime", "nodejs20.x")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr.count("START RequestId"), 2, done.stderr)
        harness.assert_nothing_left(self, name)

    def test_allow_kill_idle_with_a_space(self):
        # The Node.js sample is killed while idle: --allow-kill idle (as typed) lets the run pass.
        name = harness.unique_name("idle")
        done = emulator("run", "-t", str(harness.SAMPLES / "graceful-shutdown" / "nodejs" / "template.yaml"),
                        "HelloWorldFunction", "--function-name", name, "--allow-kill", "idle")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("which --allow-kill lets pass", done.stderr.splitlines()[-1])
        harness.assert_nothing_left(self, name)

    def test_t_is_the_template_and_timeout_keeps_its_long_name(self):
        with tempfile.TemporaryDirectory() as folder:
            report_path = pathlib.Path(folder) / "report.json"
            done = emulator("run", "-t", str(GO_TEMPLATE), "EnableSigtermFunction", "--timeout", "5", "--report",
                            str(report_path))
            self.assertEqual(done.returncode, 0, done.stderr)
            report = json.loads(report_path.read_text())
        self.assertEqual(report["function"]["name"], "EnableSigtermFunction")  # from the template named by -t
        self.assertEqual(report["function"]["timeoutMs"], 5000)
        self.assertEqual(emulator("run", "--template", str(GO_TEMPLATE), "EnableSigtermFunction", "-t", "5").returncode,
                         2)  # -t is no longer the timeout


class Progress(unittest.TestCase):
    """On a terminal a run of several events keeps one line at the bottom, redrawn in place, with
    the invocations done and failed; written to a pipe or a file, no such line."""

    EVENTS = [{"sleep": 0}, {"sleep": 3}, {"sleep": 0}]  # the second one times out (--timeout 1)

    def run_with_stderr(self, stderr):
        name = harness.unique_name("progress")
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        files = []
        for i, event in enumerate(self.EVENTS):
            path = pathlib.Path(folder.name) / f"event-{i}.json"
            path.write_text(json.dumps(event))
            files += ["--event", str(path)]
        process = subprocess.Popen([harness.EMULATOR, "run", harness.misbehaving("sleeps-past-timeout"),
                                    "--function-name", name, "--timeout", "1", *files],
                                   stdout=subprocess.PIPE, stderr=stderr)
        return process, name

    def test_a_terminal_sees_one_updating_line_of_invocations_done_and_failed(self):
        primary, secondary = pty.openpty()
        process, name = self.run_with_stderr(secondary)
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal's other end closed: the emulator is done
                break
            if not chunk:
                break
            seen += chunk
        process.communicate(timeout=120)
        os.close(primary)
        harness.assert_nothing_left(self, name)
        text = seen.decode(errors="replace")
        erase = "\r\x1b[K"
        for line in ("1/3 invocations done, 0 failed", "2/3 invocations done, 1 failed",
                     "3/3 invocations done, 1 failed"):
            self.assertIn(f"{erase}[lambda-emu] {line}", text)
        # Drawn in place, never as a line of its own; erased before the Shutdown phase's table.
        self.assertNotIn("invocations done, 1 failed\r\n", text)
        self.assertIn(f"{erase}", text.split("Shutdown (reason spindown)")[0][-40:])
        self.assertEqual(process.returncode, 4, text[-2000:])  # a timed-out invocation

    def test_a_pipe_gets_no_progress_line(self):
        process, name = self.run_with_stderr(subprocess.PIPE)
        _, stderr = process.communicate(timeout=120)
        harness.assert_nothing_left(self, name)
        self.assertNotIn(b"invocations done", stderr)
        self.assertNotIn(b"\x1b[K", stderr)
        self.assertIn(b"Sandbox.Timedout", stderr)


class ExitCodesAsDocumented(unittest.TestCase):
    """The README's exit-code table, as the program returns it: serve's ordinary stops (SIGINT,
    SIGTERM) give what it ran, SIGHUP 129; every run ends with its code and why."""

    def test_serve_stopped_by_sigint_or_sigterm_exits_with_what_it_ran_and_by_sighup_129(self):
        for signum, expected in ((signal.SIGINT, 0), (signal.SIGTERM, 0), (signal.SIGHUP, 129)):
            with self.subTest(signal=signum):
                serve = harness.Serve(ECHO)
                status, _, _ = serve.invoke(b'{"x": 1}')
                self.assertEqual(status, 200)
                code, _, stderr = serve.stop(signum)
                self.assertEqual(code, expected, stderr)
                self.assertTrue(stderr.strip().splitlines()[-1].startswith(f"[lambda-emu] exit code {expected}: "),
                                stderr)


class EnvironmentFiles(unittest.TestCase):
    """--env-vars in SAM's JSON and --env-file as a .env file: what the function sees."""

    TEMPLATE = """Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          STAGE: from-template
          TABLE: !Ref Orders
          KEPT: from-template
  Orders:
    Type: AWS::DynamoDB::Table
"""

    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        (self.folder / "code").mkdir()
        (self.folder / "code" / "app.py").write_text(
            "import os\n"
            "def handler(event, context):\n"
            "    return {k: os.environ.get(k) for k in ('STAGE', 'TABLE', 'KEPT', 'UNDECLARED', 'QUOTED', 'EXPORTED')}\n")
        (self.folder / "template.yaml").write_text(self.TEMPLATE)

    def tearDown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def run_fn(self, *args):
        return emulator("run", "-t", str(self.folder / "template.yaml"), "Fn", *args)

    def test_env_vars_in_sams_format_set_what_the_template_declares(self):
        env_vars = self.folder / "env.json"
        env_vars.write_text(json.dumps({"Parameters": {"STAGE": "shared", "UNDECLARED": "dropped"},
                                        "Fn": {"TABLE": "orders-local"}}))
        done = self.run_fn("--env-vars", str(env_vars))
        self.assertEqual(done.returncode, 0, done.stderr)
        answer = json.loads(done.stdout.splitlines()[0])["payload"]
        # TABLE names a resource: --env-vars gives it, as --env would; UNDECLARED is not the
        # template's, so SAM leaves it out, and so does the emulator.
        self.assertEqual(answer, {"STAGE": "shared", "TABLE": "orders-local", "KEPT": "from-template",
                                  "UNDECLARED": None, "QUOTED": None, "EXPORTED": None})

    def test_a_dotenv_file_with_comments_export_and_quotes(self):
        dotenv = self.folder / ".env"
        dotenv.write_text("# local settings\nexport EXPORTED=yes\nQUOTED=\"two words # kept\"\n"
                          "TABLE='orders-dev'  \nSTAGE=dev # a comment\n")
        done = self.run_fn("--env-file", str(dotenv))
        self.assertEqual(done.returncode, 0, done.stderr)
        answer = json.loads(done.stdout.splitlines()[0])["payload"]
        self.assertEqual(answer["EXPORTED"], "yes")
        self.assertEqual(answer["QUOTED"], "two words # kept")
        self.assertEqual(answer["TABLE"], "orders-dev")
        self.assertEqual(answer["STAGE"], "dev")


if __name__ == "__main__":
    unittest.main()
