"""Children, descendants and signals: what the runtime and the extensions inherit, what dies with
an environment, and how the emulator ends on a hangup."""
import json
import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import harness
import schema

FD_LISTER = harness.runtime("fd-lister")
FD_EXTENSION = harness.extension("fd-lister-extension")
ESCAPER = harness.runtime("escaper")
SLEEPER = harness.misbehaving("sleeps-past-timeout")
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
        run = harness.run(FD_LISTER, "--extension", str(FD_EXTENSION), events=[{}])
        self.assertEqual(run.code, 0, run)
        [extension] = harness.records(run.stderr, "ext:fd-lister-extension")
        self.check_descriptors(run.results[0]["payload"]["runtime"], "the runtime")
        self.check_descriptors(run.results[0]["payload"]["child"], "the runtime's child")
        self.check_descriptors(extension, "the extension")

    def test_serve_cold_start_hands_on_neither_the_listener_nor_the_callers_connection(self):
        with harness.Serve(FD_LISTER, "--extension", str(FD_EXTENSION)) as serve:
            status, _, body = serve.invoke(b"{}")
            code, _, stderr = serve.stop()
        self.assertEqual(status, 200, body)
        self.assertEqual(code, 0, stderr)
        [extension] = harness.records(stderr, "ext:fd-lister-extension")
        payload = json.loads(body)
        self.check_descriptors(payload["runtime"], "the runtime")
        self.check_descriptors(payload["child"], "the runtime's child")
        self.check_descriptors(extension, "the extension")


class EveryDescendantDiesWithItsEnvironment(unittest.TestCase):
    """A grandchild that calls setsid(), ignores SIGTERM and sleeps forever is out of reach of
    every group kill; the emulator still finds it, kills it and names it in the report."""

    # Off the sandbox: these match the pid the runtime reports for its grandchild with the host
    # pid the emulator names, which a runtime in the sandbox's PID namespace cannot know.
    HOST_PIDS = ("--sandbox", "off")

    def escaped(self, report):
        return [process for shutdown in report["shutdowns"] for process in shutdown["escapedProcesses"]]

    def test_run_kills_and_names_the_escaped_grandchild(self):
        # Without its environment, nothing but the run's claim on every orphan tells whose it is.
        for clears_environment in ("0", "1"):
            with self.subTest(clears_environment=clears_environment):
                self.run_escaper(clears_environment)

    def run_escaper(self, clears_environment):
        name = harness.unique_name()
        with tempfile.TemporaryDirectory() as folder:
            pid_file = pathlib.Path(folder, "escapee.pid")
            report_path = os.path.join(folder, "report.json")
            try:
                run = harness.run(ESCAPER, *self.HOST_PIDS, "--env", f"ESCAPEE_PID_FILE={pid_file}", "--env",
                                  f"ESCAPEE_CLEARS_ENVIRONMENT={clears_environment}", "--report", report_path,
                                  name=name, events=[{}])
                escapee = int(pid_file.read_text())
                gone = wait_until_gone(escapee)
                with open(report_path) as f:
                    report = json.load(f)
            finally:
                harness.kill_leftovers(name)
        if not gone:
            os.kill(escapee, signal.SIGKILL)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.results[0]["payload"]["escapee"], escapee)
        self.assertTrue(gone, f"the escaped grandchild {escapee} outlived the run")
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(self.escaped(report), [{"pid": escapee, "command": "sleep"}])
        self.assertIn("escaped: 1 process(es)", run.stderr)
        self.assertIn(f"sleep (pid {escapee})", run.stderr)
        harness.assert_nothing_left(self, name)

    def test_a_reset_kills_and_names_what_the_crashed_runtime_left(self):
        name = harness.unique_name()
        with tempfile.TemporaryDirectory() as folder:
            pid_file = pathlib.Path(folder, "escapee.pid")
            report_path = os.path.join(folder, "report.json")
            try:
                run = harness.run(ESCAPER, *self.HOST_PIDS, "--env", f"ESCAPEE_PID_FILE={pid_file}", "--report",
                                  report_path, name=name, events=[{"exit": True}, {}])
                with open(report_path) as f:
                    report = json.load(f)
            finally:
                harness.kill_leftovers(name)
        self.assertEqual(run.code, 4, run)  # Runtime.ExitError
        self.assertEqual(run.results[0]["errorType"], "Runtime.ExitError", run)
        second = run.results[1]["payload"]["escapee"]
        reset, final = report["shutdowns"]
        self.assertEqual((reset["reason"], reset["final"]), ("failure", False))
        (first,) = self.escaped({"shutdowns": [reset]})
        self.assertEqual(first["command"], "sleep")
        self.assertNotEqual(first["pid"], second)
        self.assertEqual(self.escaped({"shutdowns": [final]}), [{"pid": second, "command": "sleep"}])
        self.assertTrue(wait_until_gone(first["pid"]) and wait_until_gone(second))
        harness.assert_nothing_left(self, name)

    def test_serve_leaves_neither_the_process_nor_the_port_behind(self):
        port = free_port()
        with tempfile.TemporaryDirectory() as folder:
            pid_file = pathlib.Path(folder, "escapee.pid")
            report_path = os.path.join(folder, "report.json")
            first = ServeOnPort(port, ESCAPER, *self.HOST_PIDS, "--env", f"ESCAPEE_PID_FILE={pid_file}", "--report",
                                report_path)
            try:
                status, _, body = first.invoke()
                self.assertEqual(status, 200, body)
                escapee = json.loads(body)["escapee"]
                code, stderr = first.stop(signal.SIGTERM)
            finally:
                first.close()
            gone = wait_until_gone(escapee)
            if not gone:
                os.kill(escapee, signal.SIGKILL)
            self.assertEqual(code, 0, stderr)
            self.assertTrue(gone, f"the escaped grandchild {escapee} outlived serve")
            with open(report_path) as f:
                report = json.load(f)
            (environment,) = report["environments"]
            self.assertEqual(self.escaped(environment["report"]), [{"pid": escapee, "command": "sleep"}])
            self.assertIn(f"sleep (pid {escapee})", stderr)
            harness.assert_nothing_left(self, first.name)

            # The port is free again: a second serve binds it and serves.
            pid_file.unlink()
            second = ServeOnPort(port, ESCAPER, *self.HOST_PIDS, "--env", f"ESCAPEE_PID_FILE={pid_file}")
            try:
                status, _, body = second.invoke()
                code, stderr = second.stop(signal.SIGTERM)
            finally:
                second.close()
            self.assertEqual(status, 200, body)
            self.assertEqual(code, 0, stderr)
            self.assertTrue(wait_until_gone(json.loads(body)["escapee"]))
            harness.assert_nothing_left(self, second.name)


class HangupIsAShutdown(unittest.TestCase):
    """SIGHUP (a closed terminal, a CI runner's hangup) spins down like SIGTERM: Shutdown phase
    with reason spindown, SHUTDOWN to the extensions, the report written, exit code 129."""

    def check_report(self, report, stderr):
        self.assertEqual(schema.errors(report, SCHEMA), [])
        final = report["shutdowns"][-1]
        self.assertEqual((final["reason"], final["final"]), ("spindown", True))
        (extension,) = [p for p in final["processes"] if p["kind"] == "extension"]
        self.assertIsNotNone(extension["shutdownEventMs"], final)
        self.assertIn("SHUTDOWN (spindown)", stderr)

    def test_run(self):
        name = harness.unique_name()
        with tempfile.TemporaryDirectory() as folder:
            event = pathlib.Path(folder, "event.json")
            event.write_text(json.dumps({"sleep": 60}))
            report_path = os.path.join(folder, "report.json")
            emulator = harness.start(SLEEPER, "--timeout", "120", "--extension", str(SHUTDOWN_LOGGER),
                                     "--report", report_path, "--event", str(event), name=name)
            try:
                seen = harness.wait_for_stderr_line(emulator, "sleeping 60 s")
                emulator.send_signal(signal.SIGHUP)
                stdout, stderr = emulator.communicate(timeout=30)
            finally:
                if emulator.poll() is None:
                    emulator.kill()
                    emulator.communicate()
                harness.kill_leftovers(name)
            stderr = seen + stderr
            self.assertEqual(emulator.returncode, 129, stderr)
            self.assertIn('"errorType":"Emulator.Interrupted"', stdout)
            self.assertIn("interrupted by SIGHUP", stderr)
            with open(report_path) as f:
                report = json.load(f)
        self.assertEqual(report["exitCode"], 129)
        self.check_report(report, stderr)
        harness.assert_nothing_left(self, name)

    def test_serve(self):
        with tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            with harness.Serve(SLEEPER, "--extension", str(SHUTDOWN_LOGGER), "--report", report_path) as serve:
                status, _, body = serve.invoke(json.dumps({"sleep": 0}).encode())
                self.assertEqual(status, 200, body)
                code, _, stderr = serve.stop(signal.SIGHUP)
            with open(report_path) as f:
                report = json.load(f)
        self.assertEqual(code, 129, stderr)
        self.assertIn("interrupted by SIGHUP", stderr)
        self.assertEqual(report["exitCode"], 129)
        (environment,) = report["environments"]
        self.check_report(environment["report"], stderr)
        harness.assert_nothing_left(self, serve.name)


class ServeOnPort:
    """`lambda-emu serve` on a given loopback port; fails the test if it does not come up."""

    def __init__(self, port, bootstrap, *args):
        self.name = harness.unique_name("serve")
        self.port = port
        self.process = subprocess.Popen([harness.EMULATOR, "serve", str(bootstrap), "--function-name", self.name,
                                         "--listen", f"127.0.0.1:{port}", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.seen = harness.wait_for_stderr_line(self.process, "serving function")

    def invoke(self, payload=b"{}"):
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST", f"/2015-03-31/functions/{self.name}/invocations", body=payload)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self, signum):
        """Sends `signum` and returns (exit code, all of stderr)."""
        self.process.send_signal(signum)
        _, stderr = self.process.communicate(timeout=60)
        return self.process.returncode, self.seen + stderr

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        harness.kill_leftovers(self.name)


if __name__ == "__main__":
    unittest.main()
