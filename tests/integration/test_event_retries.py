"""Lambda's retries of an asynchronous invocation, through the AWS CLI against `lambda-emu serve`:
an Event invocation that fails is run again twice, after the delay and then twice the delay, with
the same request id; the report numbers the attempts."""
import json
import os
import subprocess
import tempfile
import time
import unittest

import harness

AWS = "/usr/bin/aws"  # Debian's; a version manager's shim earlier on PATH must not shadow it
FAILS = harness.runtime("fails-first")
DELAY_MS = 300


class EventRetries(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.folder, "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""}

    def invoke_event(self, serve):
        out = os.path.join(self.folder, "out.json")
        done = subprocess.run([AWS, "lambda", "invoke", "--endpoint-url", serve.url, "--function-name", serve.name,
                               "--cli-binary-format", "raw-in-base64-out", "--invocation-type", "Event",
                               "--payload", '{"order": 7}', out],
                              capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["StatusCode"], 202)

    def invocations(self, serve):
        status, _, body = serve.request("GET", "/lambda-emu/report")
        self.assertEqual(status, 200)
        return [i for e in json.loads(body)["environments"] for i in e["report"]["invocations"]]

    def wait_for(self, serve, count, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.invocations(serve)
            if len(found) >= count and all(i["outcome"] is not None for i in found):
                return found
            time.sleep(0.05)
        self.fail(f"never saw {count} invocations: {self.invocations(serve)}")

    def test_an_event_that_always_fails_gets_three_attempts_with_the_same_request_id(self):
        with harness.Serve(FAILS, "--event-retry-delay", str(DELAY_MS)) as serve:
            self.invoke_event(serve)
            found = self.wait_for(serve, 3)
            time.sleep(3 * DELAY_MS / 1000)  # no fourth comes
            found = self.invocations(serve)
            code, _, stderr = serve.stop()
        self.assertEqual(len(found), 3, found)
        self.assertEqual([i["attempt"] for i in found], [1, 2, 3])
        self.assertEqual(len({i["requestId"] for i in found}), 1, found)
        self.assertEqual({i["event"] for i in found}, {"Event"})
        self.assertEqual({i["outcome"] for i in found}, {"function-error"})
        # Each retry waits after the attempt before it ended: the delay, then twice the delay. The
        # start times are whole milliseconds, each cut down: 2 ms of slack.
        first, second, third = found
        self.assertGreaterEqual(second["startedAtEpochMs"] - first["startedAtEpochMs"], DELAY_MS - 2)
        self.assertGreaterEqual(third["startedAtEpochMs"] - second["startedAtEpochMs"], 2 * DELAY_MS - 2)
        request_id = first["requestId"]
        self.assertRegex(stderr, f"asynchronous invocation {request_id} failed \\([^)]+\\) on attempt 1 of 3: "
                                 f"retried in {DELAY_MS} ms, as Lambda retries an asynchronous invocation")
        self.assertIn(f"on attempt 2 of 3: retried in {2 * DELAY_MS} ms", stderr)
        self.assertIn("on attempt 3 of 3: the event is dropped", stderr)
        # The runtime saw the same event three times, under the same request id.
        self.assertEqual(sum(f'of {request_id}: {{"order": 7}}' in line for line in stderr.splitlines()), 3, stderr)
        self.assertEqual(code, 1, stderr)  # a function error fails the run, as any other
        harness.assert_nothing_left(self, serve.name)

    def test_an_event_that_fails_once_then_succeeds_gets_two_attempts(self):
        with harness.Serve(FAILS, "--event-retry-delay", str(DELAY_MS), "--env", "FAIL_TIMES=1") as serve:
            self.invoke_event(serve)
            self.wait_for(serve, 2)
            time.sleep(3 * DELAY_MS / 1000)
            found = self.invocations(serve)
            serve.stop()
        self.assertEqual([(i["attempt"], i["outcome"]) for i in found], [(1, "function-error"), (2, "success")])
        self.assertEqual(found[0]["requestId"], found[1]["requestId"])
        harness.assert_nothing_left(self, serve.name)

    def test_no_retry_with_event_retries_0_nor_for_a_synchronous_invocation(self):
        with harness.Serve(FAILS, "--event-retry-delay", "50", "--event-retries", "0") as serve:
            self.invoke_event(serve)
            self.wait_for(serve, 1)
            status, _, _ = serve.invoke(b"{}")
            self.assertEqual(status, 200)
            time.sleep(0.5)
            found = self.invocations(serve)
            serve.stop()
        self.assertEqual([(i["event"], i["attempt"]) for i in found], [("Event", 1), ("RequestResponse", 1)])

    def test_a_retry_pending_at_shutdown_is_dropped_in_one_line(self):
        with harness.Serve(FAILS, "--event-retry-delay", "lambda") as serve:
            self.invoke_event(serve)
            found = self.wait_for(serve, 1)
            started = time.monotonic()
            code, _, stderr = serve.stop()
        self.assertLess(time.monotonic() - started, 30)  # not the retry's minute
        self.assertIn("retried in 60 s, as Lambda retries an asynchronous invocation", stderr)
        self.assertIn(f"asynchronous invocation {found[0]['requestId']}: attempt 2, due in ", stderr)
        self.assertIn(", dropped: serve is shutting down", stderr)
        harness.assert_nothing_left(self, serve.name)

    def test_bad_retry_options_are_one_line(self):
        done = subprocess.run([harness.EMULATOR, "serve", str(FAILS), "--event-retries", "3"],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertEqual(done.stderr.strip(),
                         "[lambda-emu] error: --event-retries must be 0, 1 or 2 (Lambda's MaximumRetryAttempts); got 3")


if __name__ == "__main__":
    unittest.main()
