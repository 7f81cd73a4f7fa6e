"""Children, descendants and signals: what the runtime and the extensions inherit, what dies with
an environment, and how the emulator ends on a hangup."""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import harness
import schema

FD_LISTER = harness.RUNTIMES / "fd-lister" / "bootstrap"
FD_EXTENSION = harness.RUNTIMES / "fd-lister-extension" / "fd-lister-extension"
ESCAPER = harness.RUNTIMES / "escaper" / "bootstrap"
SLEEPER = harness.SAMPLES / "misbehaving" / "sleeps-past-timeout" / "bootstrap"
SHUTDOWN_LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"
SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())
ONLY_STDIO = ["0", "1", "2"]


def alive(pid):
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until_gone(pid, timeout=5.0):
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ChildrenInheritNothing(unittest.TestCase):
    """The runtime, an extension and a child of the runtime hold stdin, stdout and stderr only: no
    listener, no client connection, no pipe end of another process."""

    def check_descriptors(self, held, who):
        self.assertEqual(sorted(held, key=int), ONLY_STDIO, f"{who} inherited descriptors: {held}")
        self.assertEqual(held["0"], "/dev/null", who)
        self.assertTrue(held["1"].startswith("pipe:") and held["2"].startswith("pipe:"), f"{who}: {held}")

    def test_run_runtime_its_child_and_an_extension(self):
        with tempfile.TemporaryDirectory() as folder:
            out = os.path.join(folder, "extension-fds.json")
            run = harness.run(FD_LISTER, "--extension", str(FD_EXTENSION), "--env", f"FD_OUT={out}", events=[{}])
            with open(out) as f:
                extension = json.load(f)
        self.assertEqual(run.code, 0, run)
        self.check_descriptors(run.results[0]["payload"]["runtime"], "the runtime")
        self.check_descriptors(run.results[0]["payload"]["child"], "the runtime's child")
        self.check_descriptors(extension, "the extension")

    def test_serve_cold_start_hands_on_neither_the_listener_nor_the_callers_connection(self):
        with tempfile.TemporaryDirectory() as folder:
            out = os.path.join(folder, "extension-fds.json")
            with harness.Serve(FD_LISTER, "--extension", str(FD_EXTENSION), "--env", f"FD_OUT={out}") as serve:
                status, _, body = serve.invoke(b"{}")
                code, _, stderr = serve.stop()
            with open(out) as f:
                extension = json.load(f)
        self.assertEqual(status, 200, body)
        self.assertEqual(code, 0, stderr)
        payload = json.loads(body)
        self.check_descriptors(payload["runtime"], "the runtime")
        self.check_descriptors(payload["child"], "the runtime's child")
        self.check_descriptors(extension, "the extension")


if __name__ == "__main__":
    unittest.main()
