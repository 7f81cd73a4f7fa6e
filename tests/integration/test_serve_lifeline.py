"""`serve --port-file` (the port a program that asked for port 0 got) and
`--exit-when-stdin-closes` (serve ends with the program that started it, however it ends)."""
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import harness

NODE_RUNTIME = harness.SAMPLES / "node-runtime" / "bootstrap"
SHUTDOWN_LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"


class ServeLifeline(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.port_file = pathlib.Path(self.dir.name) / "port"
        self.name = harness.unique_name("lifeline")

    def tearDown(self):
        harness.kill_leftovers(self.name)
        self.dir.cleanup()

    def test_the_port_file_holds_the_port_serve_listens_on(self):
        with harness.Serve(NODE_RUNTIME, "--handler", "index.handler", "--port-file", str(self.port_file), name=self.name) as serve:
            self.assertEqual(self.port_file.read_text(), f"{serve.port}\n")
            self.assertEqual(serve.request("GET", "/lambda-emu/health")[0], 200)
            self.assertFalse(pathlib.Path(f"{self.port_file}.partial").exists())

    def test_a_port_file_that_cannot_be_written_is_one_error_line(self):
        done = subprocess.run([harness.EMULATOR, "serve", str(NODE_RUNTIME), "--listen", "127.0.0.1:0",
                               "--port-file", "/no/such/folder/port"], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("error: --port-file /no/such/folder/port: cannot write", done.stderr)

    def test_serve_shuts_down_when_its_parent_is_sigkilled(self):
        # A parent that holds serve's stdin pipe, as a test runner does, then dies by SIGKILL.
        parent = subprocess.Popen([sys.executable, "-c", f"""
import subprocess, sys, time
serve = subprocess.Popen([{harness.EMULATOR!r}, "serve", {str(NODE_RUNTIME)!r}, "--function-name", {self.name!r}, "--handler", "index.handler",
                          "--extension", {str(SHUTDOWN_LOGGER)!r}, "--env", "FLUSH_FILE=/dev/null",
                          "--listen", "127.0.0.1:0", "--port-file", {str(self.port_file)!r},
                          "--exit-when-stdin-closes"], stdin=subprocess.PIPE, stderr=open({self.dir.name + '/stderr'!r}, "w"))  # noqa
print(serve.pid, flush=True)
time.sleep(600)
"""], stdout=subprocess.PIPE, text=True)
        serve_pid = int(parent.stdout.readline())
        deadline = time.monotonic() + 30
        while not self.port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        port = int(self.port_file.read_text())
        status = harness.Serve.request(type("S", (), {"port": port})(), "POST",
                                       f"/2015-03-31/functions/{self.name}/invocations", b"{}")[0]
        self.assertEqual(status, 200)
        self.assertTrue(harness.processes_of(self.name))
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        parent.stdout.close()
        deadline = time.monotonic() + 30
        while pathlib.Path(f"/proc/{serve_pid}").exists() and time.monotonic() < deadline:
            try:  # serve is init's child now: only its stat shows it gone (a zombie until reaped)
                if pathlib.Path(f"/proc/{serve_pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            except OSError:
                break
            time.sleep(0.05)
        stderr = pathlib.Path(self.dir.name, "stderr").read_text()
        self.assertIn("standard input closed", stderr)
        self.assertIn("graceful", stderr)
        harness.assert_nothing_left(self, self.name)

    def test_exit_when_stdin_closes_refuses_a_stdin_that_is_not_a_pipe(self):
        done = subprocess.run([harness.EMULATOR, "serve", str(NODE_RUNTIME), "--listen", "127.0.0.1:0",
                               "--exit-when-stdin-closes"], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("--exit-when-stdin-closes: standard input must be a pipe", done.stderr)


if __name__ == "__main__":
    unittest.main()
