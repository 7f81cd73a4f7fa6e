"""InvokeWithResponseStream as AWS's SDK for JavaScript v3 (@aws-sdk/client-lambda, from npm)
reads it: PayloadChunk events as the runtime streams, then InvokeComplete, in AWS's binary
event-stream encoding (docs/lambda-rules.md §6.2)."""
import base64
import json
import os
import pathlib
import subprocess
import unittest

import harness

SDK = pathlib.Path(__file__).resolve().parent / "sdk"
STREAMER = harness.runtime("streamer")


def invoke_with_response_stream(serve, payload, signal=None, function=None, log_type=None):
    """Runs the SDK script; returns its lines (dicts) in order."""
    command = ["node", str(SDK / "invoke_stream.mjs"), serve.url, function or serve.name, json.dumps(payload),
               str(signal or ""), log_type or ""]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=SDK)
    if done.returncode != 0:
        raise AssertionError(f"the SDK script failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines()]


class ResponseStreamWithTheSdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not (SDK / "node_modules" / "@aws-sdk" / "client-lambda").exists():
            raise AssertionError("run scripts/setup.sh (it installs @aws-sdk/client-lambda into tests/integration/sdk)")
        cls.serve = harness.Serve(STREAMER, "--timeout", "30")

    @classmethod
    def tearDownClass(cls):
        code, _, stderr = cls.serve.stop()
        assert code == 1, stderr  # the failing invocations make the run's exit code 1
        harness.kill_leftovers(cls.serve.name)

    def setUp(self):
        # In the function's folder, where the runtime looks for it (streamer's docstring says why).
        self.signal = STREAMER.parent / harness.unique_name("first-chunk-received")

    def tearDown(self):
        self.signal.unlink(missing_ok=True)

    def test_chunks_arrive_in_order_and_the_first_before_the_last_is_written(self):
        lines = invoke_with_response_stream(self.serve, {"mode": "stream", "signal": self.signal.name}, self.signal)
        self.assertEqual(lines[0], {"response": {"StatusCode": 200, "ExecutedVersion": "$LATEST",
                                                 "ResponseStreamContentType": "application/vnd.amazon.eventstream"}})
        chunks = [line["chunk"] for line in lines if "chunk" in line]
        # "signalled": the runtime wrote its last chunk only after the SDK had the first one.
        self.assertEqual(chunks, ["first ", "second ", "last (signalled)"])
        self.assertEqual(lines[-1], {"complete": {}})

    def test_a_function_failing_mid_stream_reports_its_error_in_invoke_complete(self):
        lines = invoke_with_response_stream(self.serve, {"mode": "stream-then-fail", "signal": self.signal.name},
                                            self.signal)
        chunks = [line["chunk"] for line in lines if "chunk" in line]
        self.assertEqual(chunks, ["partial ", "more (signalled)"])
        self.assertEqual(lines[-1], {"complete": {"ErrorCode": "UpstreamError",
                                                  "ErrorDetails": "the upstream went away"}})

    def test_a_buffered_answer_is_one_chunk(self):
        lines = invoke_with_response_stream(self.serve, {"mode": "buffered", "n": 1})
        chunks = [line["chunk"] for line in lines if "chunk" in line]
        self.assertEqual(len(chunks), 1)
        self.assertEqual(json.loads(chunks[0]), {"buffered": True, "event": {"mode": "buffered", "n": 1}})
        self.assertEqual(lines[-1], {"complete": {}})

    def test_a_function_error_comes_in_invoke_complete_with_the_log_tail(self):
        lines = invoke_with_response_stream(self.serve, {"mode": "error"}, log_type="Tail")
        self.assertFalse([line for line in lines if "chunk" in line])
        complete = lines[-1]["complete"]
        self.assertEqual(complete["ErrorCode"], "AskedError")
        self.assertEqual(complete["ErrorDetails"], "asked to fail")
        log = base64.b64decode(complete["LogResult"]).decode()
        self.assertIn("START RequestId:", log)
        self.assertIn("REPORT RequestId:", log)

    def test_an_unknown_function_is_the_sdks_resource_not_found(self):
        lines = invoke_with_response_stream(self.serve, {}, function="no-such-function")
        self.assertEqual(lines[0]["error"]["name"], "ResourceNotFoundException")


class ResponseStreamTimeout(unittest.TestCase):
    def test_a_timeout_mid_stream_ends_the_stream_with_sandbox_timedout(self):
        with harness.Serve(STREAMER, "--timeout", "1") as serve:
            # No signal file: the runtime sends its first chunk, then waits past the timeout.
            lines = invoke_with_response_stream(serve, {"mode": "stream"})
            code, _, _ = serve.stop()
        self.assertEqual([line["chunk"] for line in lines if "chunk" in line], ["first "])
        complete = lines[-1]["complete"]
        self.assertEqual(complete["ErrorCode"], "Sandbox.Timedout")
        self.assertRegex(complete["ErrorDetails"], r"Task timed out after 1\.00 seconds$")
        self.assertEqual(code, 4)  # a timeout, as for any invocation
        harness.assert_nothing_left(self, serve.name)


class ResponseStreamOnTheWire(unittest.TestCase):
    """What the SDKs do not show: the Event type's refusal and DryRun."""

    def test_event_is_not_an_invocation_type_of_this_api_and_dry_run_is_204(self):
        with harness.Serve(STREAMER) as serve:
            path = f"/2021-11-15/functions/{serve.name}/response-streaming-invocations"
            status, headers, body = serve.request("POST", path, b"{}", {"X-Amz-Invocation-Type": "Event"})
            self.assertEqual(status, 400)
            self.assertEqual(headers["x-amzn-errortype"], "InvalidParameterValueException")
            self.assertIn("[RequestResponse, DryRun]", json.loads(body)["message"])
            status, _, body = serve.request("POST", path, b"{}", {"X-Amz-Invocation-Type": "DryRun"})
            self.assertEqual((status, body), (204, b""))
            code, _, _ = serve.stop()
            self.assertEqual(code, 0)
        harness.assert_nothing_left(self, serve.name)


if __name__ == "__main__":
    unittest.main()
