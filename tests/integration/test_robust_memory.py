"""Bounded memory in `serve`: a streamed answer is read from the runtime no faster than the
caller takes it, per-invocation records are kept in a bounded form, and the log tail is the
last 4 KB of the invocation's log."""
import base64
import http.client
import json
import os
import pathlib
import sys
import tempfile
import time
import unittest
from xml.etree import ElementTree

import harness
import schema
from file_serve import FileServe

RUNTIMES = harness.RUNTIMES
# The cheapest runtime there is (bench/minimal_runtime.cpp), built beside the emulator.
MINIMAL_RUNTIME = os.environ.get("LAMBDA_EMU_MINIMAL_RUNTIME",
                                 str(pathlib.Path(harness.EMULATOR).parent / "bench" / "minimal_runtime"))
SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())
sys.path.insert(0, str(RUNTIMES / "big-stream"))
import stream_pattern  # noqa: E402


def vm_rss_mb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class StreamBackPressure(unittest.TestCase):
    MEGABYTES = 150

    def test_a_caller_that_does_not_read_holds_the_runtime_back_not_the_emulators_memory(self):
        harness.measure_memory_under_asan()
        with harness.Serve(harness.runtime("big-stream"), "--timeout", "120") as serve:
            pid = serve.process.pid
            # What the emulator holds beyond its resting size (ASan's shadow makes that larger).
            limit = vm_rss_mb(pid) + 56
            connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=120)
            try:
                connection.request("POST", f"/2015-03-31/functions/{serve.name}/invocations",
                                   json.dumps({"mb": self.MEGABYTES}))
                # The caller reads nothing for a while; the runtime could send it all meanwhile.
                peak = 0.0
                deadline = time.monotonic() + 4
                while time.monotonic() < deadline:
                    peak = max(peak, vm_rss_mb(pid))
                    time.sleep(0.05)
                self.assertLess(peak, limit, f"the emulator grew to {peak:.0f} MB while its caller did not read")

                response = connection.getresponse()
                self.assertEqual(response.status, 200)
                received, sha = 0, __import__("hashlib").sha256()
                while True:
                    piece = response.read(1024 * 1024)
                    if not piece:
                        break
                    received += len(piece)
                    sha.update(piece)
                    peak = max(peak, vm_rss_mb(pid))
            finally:
                connection.close()
            self.assertEqual(received, self.MEGABYTES * 1024 * 1024)
            self.assertEqual(sha.hexdigest(), stream_pattern.digest(self.MEGABYTES), "the bytes arrived altered")
            self.assertLess(peak, limit, f"the emulator grew to {peak:.0f} MB while its caller read")
            self.assertIsNone(response.getheader("X-Amz-Function-Error"))
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        self.assertIn(f"sent {self.MEGABYTES} MB", stderr)
        self.assertIn("answered 202", stderr)

    def test_a_caller_that_leaves_mid_stream_lets_the_invocation_finish(self):
        with harness.Serve(harness.runtime("big-stream"), "--timeout", "120") as serve:
            connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=60)
            connection.request("POST", f"/2015-03-31/functions/{serve.name}/invocations", json.dumps({"mb": 40}))
            response = connection.getresponse()
            self.assertEqual(len(response.read(4 * 1024 * 1024)), 4 * 1024 * 1024)
            connection.close()  # gone, with 36 MB still to come
            # The runtime's stream is read on and dropped; the runtime is free for the next caller.
            status, _, body = serve.invoke(json.dumps({"mb": 1}).encode())
            self.assertEqual(status, 200)
            self.assertEqual(len(body), 1024 * 1024)
            wait_until_ended(serve, 2)  # the runtime says what it sent once its post is answered
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        self.assertIn("sent 40 MB", stderr)
        self.assertIn("sent 1 MB", stderr)


def wait_until_ended(serve, count, timeout_s=30):
    """Until `count` invocations have ended: the caller has its answer at /response, the
    invocation ends when the runtime asks for the next one, a moment later."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status, _, body = serve.request("GET", "/lambda-emu/report")
        if status == 200 and sum(environment["report"]["invocationSummary"]["count"]
                                 for environment in json.loads(body)["environments"]) >= count:
            return json.loads(body)
        time.sleep(0.01)
    raise AssertionError(f"{count} invocations never ended")


def invoke_many(serve, count):
    """`count` warm invocations over one keep-alive connection; all must succeed."""
    connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=60)
    try:
        for n in range(count):
            connection.request("POST", f"/2015-03-31/functions/{serve.name}/invocations", b'{"n": %d}' % n)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or response.getheader("X-Amz-Function-Error"):
                raise AssertionError(f"invocation {n}: {response.status} {body!r}")
    finally:
        connection.close()


class BoundedRecords(unittest.TestCase):
    def test_serve_keeps_the_last_1000_invocations_of_the_run_and_a_summary_of_all(self):
        with tempfile.TemporaryDirectory() as folder:
            junit = pathlib.Path(folder) / "junit.xml"
            with FileServe(MINIMAL_RUNTIME, "--junit", str(junit)) as serve:
                invoke_many(serve, 700)
                # A reset: environment 2 takes over, and the budget spans both.
                status, _, _ = serve.request("POST", "/lambda-emu/shutdown?environment=1")
                self.assertEqual(status, 200)
                invoke_many(serve, 700)
                report = wait_until_ended(serve, 1400)
                code, _, stderr = serve.stop()
            self.assertEqual(code, 0, stderr[-2000:])
            first, second = (environment["report"] for environment in report["environments"])
            self.assertEqual(report["schemaVersion"], "1.6")
            self.assertEqual(schema.errors(report, SCHEMA), [])
            # The oldest 400 of the run went: all from environment 1.
            self.assertEqual((len(first["invocations"]), first["invocationsNotKept"]), (300, 400))
            self.assertEqual((len(second["invocations"]), second["invocationsNotKept"]), (700, 0))
            for environment in (first, second):
                summary = environment["invocationSummary"]
                self.assertEqual(summary["count"], 700)
                self.assertEqual(summary["byOutcome"], {"success": 700})
                durations = summary["durationMs"]
                self.assertLessEqual(durations["min"], durations["mean"])
                self.assertLessEqual(durations["mean"], durations["max"])
                self.assertAlmostEqual(durations["total"], durations["mean"] * 700, delta=0.05 * 700)  # mean rounded to 0.1 ms
            # JUnit says what was left out, and numbers the kept ones truthfully.
            suites = ElementTree.parse(junit).getroot().findall("testsuite")
            first_cases = [case.get("name") for case in suites[0].findall("testcase")]
            self.assertEqual(suites[0].get("tests"), "303")  # Init, 1 for the 400 left out, 300 kept, 1 shutdown
            self.assertEqual(first_cases[:2], ["init", "invoke 1-400 (not kept in full)"])
            self.assertEqual(first_cases[2], "invoke 401 (RequestResponse)")
            self.assertEqual(first_cases[301], "invoke 700 (RequestResponse)")
            self.assertEqual([suite.get("failures") for suite in suites], ["0", "0"])


class LogTail(unittest.TestCase):
    def test_tail_is_the_last_4_kb_of_a_chatty_invocation_ending_with_report(self):
        with FileServe(harness.runtime("chatty")) as serve:
            status, headers, body = serve.invoke(json.dumps({"lines": 2000, "width": 100}).encode(),
                                                 {"X-Amz-Log-Type": "Tail"})
            self.assertEqual(status, 200, body)
            tail = base64.b64decode(headers["x-amz-log-result"])
            serve.stop()
        self.assertLessEqual(len(tail), 4096)
        self.assertGreater(len(tail), 4000)
        lines = tail.decode().rstrip("\n").split("\n")
        self.assertTrue(lines[-1].startswith("REPORT RequestId: "), lines[-3:])
        self.assertTrue(lines[-2].startswith("END RequestId: "), lines[-3:])
        self.assertIn(" line 1999 ", tail.decode(), "the last line the function printed is missing")


if __name__ == "__main__":
    unittest.main()
