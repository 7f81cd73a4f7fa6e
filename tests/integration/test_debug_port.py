"""-d/--debug-port PORT, as SAM's `sam local invoke -d`: a managed runtime's debugger listens on
127.0.0.1:PORT (Node.js: its inspector; Python: debugpy). While debugging the environment is not
frozen between invocations, so a debugger client talks to the runtime while it waits for its next
event, and no timeout kills a function held at a breakpoint. -d anywhere else is a usage error."""
import json
import os
import pathlib
import select
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import harness
from test_managed_runtime import RUNTIME as NODE_RUNTIME

FUNCTIONS = pathlib.Path(__file__).resolve().parent / "functions"
NODE_FUNCTION = FUNCTIONS / "node-debug"
PYTHON_FUNCTION = FUNCTIONS / "python-debug"
DEBUGPY_STAND_IN = harness.RUNTIMES / "debugpy-stand-in" / "debugpy"


def free_port():
    """A port of 127.0.0.1 nothing listens on: one the kernel chose, let go."""
    with socket.socket() as chooser:
        chooser.bind(("127.0.0.1", 0))
        return chooser.getsockname()[1]


def python_runtime():
    """The python3.x runtime of this machine's python3 (the emulator runs it without a warning)."""
    version = subprocess.run(["python3", "-c", "import sys; print(sys.version_info[1])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    return f"python3.{version}"


def python_has_debugpy():
    return subprocess.run(["python3", "-c", "import debugpy"], capture_output=True).returncode == 0


def invoke_json(serve, event):
    status, _, body = serve.invoke(json.dumps(event).encode())
    assert status == 200, (status, body)
    return json.loads(body)


class NodeInspectorClient:
    """Node's own command-line debugger (`node inspect HOST:PORT`) driven through its prompt: what a
    developer types, answered by the inspected process."""

    PROMPT = "debug> "

    def __init__(self, address, timeout_s=30):
        self.timeout_s = timeout_s
        self.process = subprocess.Popen(["node", "inspect", address], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.seen = ""
        self.read_until_prompt()

    def read_until_prompt(self):
        """What it printed before its next prompt."""
        start = len(self.seen)
        deadline = time.monotonic() + self.timeout_s
        while len(self.seen) == start or not self.seen.endswith(self.PROMPT):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(remaining, 0))
            chunk = os.read(self.process.stdout.fileno(), 4096) if ready else b""
            if not chunk:
                raise AssertionError(f"node inspect gave no prompt; it printed:\n{self.seen}")
            self.seen += chunk.decode(errors="replace")
        return self.seen[start:-len(self.PROMPT)].strip()

    def exec(self, expression):
        self.process.stdin.write(f"exec {expression}\n".encode())
        self.process.stdin.flush()
        return self.read_until_prompt()

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write(b".exit\n")
                self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()


class NodeInspector(unittest.TestCase):
    @staticmethod
    def runtime_frozen(name):
        return any(harness.is_frozen(pid) for pid in harness.processes_of(name))

    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def test_a_debugger_talks_to_the_runtime_between_invocations_and_the_report_says_the_freeze_was_off(self):
        port = free_port()
        report = self.folder / "report.json"
        with harness.Serve(NODE_FUNCTION, "--runtime", NODE_RUNTIME, "-d", str(port), "--report", str(report)) as serve:
            self.assertIn(f"[lambda-emu] debugger: the Node.js inspector listens on 127.0.0.1:{port}",
                          serve.stderr_seen)
            first = invoke_json(serve, {})

            debugger = NodeInspectorClient(f"127.0.0.1:{port}")
            self.addCleanup(debugger.close)
            answer = debugger.exec("process.env.AWS_LAMBDA_FUNCTION_NAME + ' ' + process.pid")
            debugger.close()
            self.assertEqual(answer, f"'{serve.name} {first['pid']}'", debugger.seen)

            second = invoke_json(serve, {})
            self.assertEqual(second["pid"], first["pid"])  # the same runtime, warm
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        environment, = json.loads(report.read_text())["environments"]
        self.assertEqual(environment["report"]["freeze"], {"enabled": False, "method": None})
        harness.assert_nothing_left(self, serve.name)

    def test_while_debugging_an_invocation_past_its_timeout_is_not_ended(self):
        with harness.Serve(NODE_FUNCTION, "--runtime", NODE_RUNTIME, "-d", str(free_port()), "--timeout", "1") as serve:
            # Held past its one second as a breakpoint would hold it; it is told SAM's ten hours.
            answer = invoke_json(serve, {"waitMs": 1500})
            self.assertGreater(answer["remainingMs"], 9 * 3600 * 1000)
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        self.assertNotIn("Task timed out", stderr)
        harness.assert_nothing_left(self, serve.name)

    def test_without_d_the_same_runtime_is_frozen_between_invocations(self):
        with harness.Serve(NODE_FUNCTION, "--runtime", NODE_RUNTIME) as serve:
            invoke_json(serve, {})
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not self.runtime_frozen(serve.name):
                time.sleep(0.02)
            self.assertTrue(self.runtime_frozen(serve.name))
            serve.stop()
        harness.assert_nothing_left(self, serve.name)


class PythonDebugpy(unittest.TestCase):
    def setUp(self):
        self.runtime = python_runtime()

    def test_without_debugpy_where_the_function_looks_one_line_says_how_to_install_it(self):
        if python_has_debugpy():
            self.skipTest("this machine's python3 has debugpy: its absence cannot be shown")
        result = harness.run(PYTHON_FUNCTION, "--runtime", self.runtime, "--handler", "app.handler",
                             "-d", str(free_port()), events=[{}])
        self.assertEqual(result.code, 2, result)
        errors = result.lines("[lambda-emu] error")
        self.assertEqual(len(errors), 1, result)
        self.assertIn("debugpy is not where", errors[0])
        self.assertIn(f"pip install --target {PYTHON_FUNCTION} debugpy", errors[0])
        self.assertEqual(result.lines("[lambda-emu] Runtime API listening"), [], result)  # nothing started

    def test_debugpy_in_the_functions_folder_runs_the_client_as_its_module(self):
        function = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, function, ignore_errors=True)
        function.chmod(0o755)  # the sandbox's user reads it
        shutil.copy(PYTHON_FUNCTION / "app.py", function)
        shutil.copytree(DEBUGPY_STAND_IN, function / "debugpy")
        port = free_port()
        with harness.Serve(function, "--runtime", self.runtime, "--handler", "app.handler", "-d", str(port)) as serve:
            self.assertIn(f"[lambda-emu] debugger: debugpy listens on 127.0.0.1:{port}", serve.stderr_seen)
            first = invoke_json(serve, {})
            self.assertTrue(first["underDebugpy"], first)
            with socket.create_connection(("127.0.0.1", port), timeout=10):
                pass  # its listener is up between invocations
            self.assertEqual(invoke_json(serve, {})["pid"], first["pid"])
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        self.assertIn(f"stand-in debugpy listening on 127.0.0.1:{port} for -m awslambdaric", stderr)
        harness.assert_nothing_left(self, serve.name)


class UsageErrors(unittest.TestCase):
    def assert_usage_error(self, result, message):
        self.assertEqual(result.code, 2, result)
        self.assertEqual(result.stderr.count("\n"), 1, result)  # one line, nothing started
        self.assertIn(message, result.stderr)

    def test_a_port_out_of_range_is_a_usage_error(self):
        for port in ("0", "65536"):
            with self.subTest(port=port):
                result = harness.run(NODE_FUNCTION, "--runtime", NODE_RUNTIME, "-d", port, events=[{}])
                self.assert_usage_error(result, "[lambda-emu] error: --debug-port must be a TCP port, 1 to 65535")
        result = harness.run(NODE_FUNCTION, "--runtime", NODE_RUNTIME, "--debug-port", "ninety", events=[{}])
        self.assert_usage_error(result, "[lambda-emu] error: ")

    def test_d_with_a_bootstrap_of_its_own_names_what_it_supports(self):
        result = harness.run(harness.runtime("slow-echo"), "-d", "9229", events=[{}])
        self.assert_usage_error(result, "[lambda-emu] error: -d 9229: lambda-emu starts a debugger only with "
                                        "--runtime nodejs18.x")
        self.assertIn("not with a bootstrap of the function's own", result.stderr)

    def test_serve_debugs_one_environment(self):
        done = subprocess.run([harness.EMULATOR, "serve", str(NODE_FUNCTION), "--runtime", NODE_RUNTIME,
                               "--listen", "127.0.0.1:0", "-d", "9229", "--concurrency", "2"],
                              capture_output=True, text=True, timeout=60)
        self.assert_usage_error(harness.Run(done.returncode, done.stdout, done.stderr),
                                "-d 9229: only one environment can listen on the debug port; drop --concurrency 2")

    def test_a_debug_port_already_taken_is_said_before_anything_starts(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = harness.run(NODE_FUNCTION, "--runtime", NODE_RUNTIME, "-d", str(port), events=[{}])
        self.assertEqual(result.code, 6, result)
        self.assertIn(f"[lambda-emu] error: -d {port}: cannot listen on 127.0.0.1:{port}: Address already in use",
                      result.stderr)
        self.assertEqual(result.lines("[lambda-emu] Runtime API listening"), [], result)


if __name__ == "__main__":
    unittest.main()
