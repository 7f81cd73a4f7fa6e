"""Bytes that are not UTF-8, wherever they come from (HTTP paths, headers and bodies, process
output, names chosen by extensions, command-line arguments), numbers that are not numbers, and a
Telemetry subscription aimed back at the emulator: each gets a clear answer, and the emulator
goes on, writes its report and exits with its own code (never 134, std::terminate's abort)."""
import json
import os
import socket
import tempfile
import unittest

import harness

HOSTILE = harness.runtime("hostile")
SELF_SUBSCRIBER = harness.extension("self-subscriber")
INVOKE_ONLY = harness.SAMPLES / "extensions" / "invoke-only"
RECORDER = harness.SAMPLES / "extensions" / "telemetry-recorder"
BAD = b"\xff\xfe\xc3("
REPLACEMENT = "\ufffd"


def raw_exchange(port, request):
    """Sends raw bytes; returns (status, head, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while True:
            head, separator, rest = data.partition(b"\r\n\r\n")
            if separator:
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    return int(head.split(b" ")[1]), head, rest[:length[0]]
            more = sock.recv(65536)
            if not more:
                return (int(head.split(b" ")[1]) if head else 0), head, rest
            data += more


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeTakesHostileRequests(unittest.TestCase):
    """Each of these aborted `serve` before: no report, no SHUTDOWN for the extension."""

    @classmethod
    def setUpClass(cls):
        cls.report = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        cls.serve = harness.Serve(HOSTILE, "--extension", str(INVOKE_ONLY), "--report", cls.report)

    @classmethod
    def tearDownClass(cls):
        code, _, stderr = cls.serve.stop()
        os.unlink(cls.report)
        harness.assert_nothing_left(unittest.TestCase(), cls.serve.name)

    def assert_still_serving(self):
        self.assertIsNone(self.serve.process.poll(), "serve died")
        status, _, body = self.serve.invoke(b'{"still": "here"}')
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["event"], {"still": "here"})

    def invoke_raw(self, path=None, headers=b"", body=b"{}"):
        path = path or f"/2015-03-31/functions/{self.serve.name}/invocations".encode()
        request = (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
                   b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        return raw_exchange(self.serve.port, request)

    def test_invoke_body_that_is_not_utf8(self):
        status, head, body = self.invoke_raw(body=b'{"text": "' + BAD + b'"}')
        self.assertEqual(status, 400)
        self.assertIn(b"x-amzn-ErrorType: InvalidRequestContentException", head)
        self.assertIn("Could not parse request body into json", json.loads(body)["message"])
        self.assert_still_serving()

    def test_invocation_type_that_is_not_utf8(self):
        status, head, body = self.invoke_raw(headers=b"X-Amz-Invocation-Type: Req" + BAD + b"\r\n")
        self.assertEqual(status, 400)
        self.assertIn(b"InvalidParameterValueException", head)
        self.assertIn(REPLACEMENT, json.loads(body)["message"])
        self.assert_still_serving()

    def test_log_type_that_is_not_utf8(self):
        status, _, body = self.invoke_raw(headers=b"X-Amz-Log-Type: " + BAD + b"\r\n")
        self.assertEqual(status, 400)
        self.assertIn("logType", json.loads(body)["message"])
        self.assert_still_serving()

    def test_function_name_that_is_not_utf8(self):
        status, head, body = self.invoke_raw(path=b"/2015-03-31/functions/" + BAD + b"/invocations")
        self.assertEqual(status, 404)
        self.assertIn(b"ResourceNotFoundException", head)
        self.assertIn("Function not found", json.loads(body)["message"])
        self.assert_still_serving()

    def test_control_path_that_is_not_utf8(self):
        status, _, body = raw_exchange(self.serve.port, b"GET /lambda-emu/" + BAD +
                                       b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 404)
        self.assertIn("unknown control action", json.loads(body)["message"])
        self.assert_still_serving()

    def test_trace_id_that_is_not_utf8_reaches_an_invoke_subscriber(self):
        status, _, body = self.invoke_raw(headers=b"X-Amzn-Trace-Id: Root=1-" + BAD + b"\r\n",
                                          body=b'{"traced": true}')
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["event"], {"traced": True})
        self.assert_still_serving()


class FunctionCodeWithHostileBytes(unittest.TestCase):
    """What the function, its extensions or the command line say may be any bytes."""

    def test_error_type_that_is_not_utf8(self):
        run = harness.run(HOSTILE, events=[{"do": "error-type"}])
        self.assertEqual(run.code, 1, run)  # a function error, told as one
        self.assertEqual(run.results[0]["functionError"], "Unhandled")
        self.assertTrue(run.results[0]["errorType"].startswith("Function.Bad"), run.results)

    def test_output_that_is_not_utf8_reaches_a_telemetry_subscriber(self):
        run = harness.run(HOSTILE, "--extension", str(RECORDER), "--env", "RECORD_FILE=-", events=[{"do": "print"}])
        self.assertEqual(run.code, 0, run)
        [received] = harness.records(run.stderr)
        lines = [event["record"] for batch in received["batches"] for event in batch["events"]
                 if event["type"] == "function"]
        self.assertIn("a line that is not UTF-8: " + REPLACEMENT, " ".join(lines))

    def test_internal_extension_named_with_bytes_that_are_not_utf8(self):
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            run = harness.run(HOSTILE, "--env", "REGISTER_NAME_HEX=" + (b"ext-" + BAD).hex(),
                              "--report", report.name, events=[{"n": 1}])
            self.assertEqual(run.code, 0, run)
            document = json.load(open(report.name, encoding="utf-8"))
        names = [extension["name"] for extension in document["environment"]["extensions"]]
        self.assertEqual(len(names), 1, document["environment"])
        self.assertTrue(names[0].startswith("ext-" + REPLACEMENT), names)

    def test_command_line_values_that_are_not_utf8_are_refused_clearly(self):
        bad = BAD.decode("utf-8", "surrogateescape")
        for option, words in [("--function-name", "function name"), ("--region", "region"),
                              ("--handler", "handler")]:
            with self.subTest(option=option):
                done = harness.subprocess.run([os.fsencode(harness.EMULATOR), b"run", os.fsencode(HOSTILE),
                                               option.encode(), b"x" + BAD], capture_output=True, timeout=60)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(f"error: {option}".encode(), done.stderr)
                self.assertIn(words.encode(), done.stderr)
                self.assertEqual(done.stdout, b"")


class NumbersThatAreNotInRange(unittest.TestCase):
    def refused(self, *args):
        run = harness.run(HOSTILE, *args)
        self.assertEqual(run.code, 2, run)
        self.assertEqual(run.results, [], "nothing may run")
        return [line for line in run.stderr.splitlines() if args[0] in line]

    def test_timeout_must_be_a_finite_positive_number_of_seconds(self):
        for value in ["nan", "inf", "-1", "0", "901"]:
            with self.subTest(value=value):
                errors = self.refused("--timeout", value)
                self.assertEqual(len(errors), 1, errors)
                self.assertIn("--timeout must be more than 0 and at most 900 seconds", errors[0])

    def test_other_numbers(self):
        cases = [("--init-timeout", "nan", "--init-timeout must be more than 0"),
                 ("--runtime-grace", "-5", "--runtime-grace must be between 0 and 600000 ms"),
                 ("--runtime-grace", "99999999999", "--runtime-grace must be between 0 and 600000 ms"),
                 ("--shutdown-budget", "-1", "--shutdown-budget must be between 0 and 600000 ms"),
                 ("--shutdown-budget", "1e12", "--shutdown-budget"),
                 ("--memory", "64", "--memory must be between 128 and 10240 MB")]
        for option, value, message in cases:
            with self.subTest(option=option, value=value):
                errors = self.refused(option, value)
                self.assertTrue(any(message in line for line in errors), errors)

    def test_serve_numbers(self):
        for option, value, message in [("--idle-shutdown", "nan", "--idle-shutdown must be more than 0"),
                                       ("--concurrency", "0", "--concurrency must be between 1 and 1000"),
                                       ("--concurrency", "100000", "--concurrency must be between 1 and 1000")]:
            with self.subTest(option=option, value=value):
                done = harness.subprocess.run([harness.EMULATOR, "serve", str(HOSTILE), "--listen", "127.0.0.1:0",
                                               option, value], capture_output=True, text=True, timeout=30)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(message, done.stderr)

    def test_an_in_range_fractional_timeout_still_works(self):
        run = harness.run(HOSTILE, "--timeout", "0.5", events=[{"n": 1}])
        self.assertEqual(run.code, 0, run)


class TelemetryAimedAtTheEmulator(unittest.TestCase):
    """A subscription to the emulator's own listeners would turn each batch into more traffic
    for the emulator (into invocations, through the invoke endpoint): refused like port 9001."""

    def test_subscriptions_to_own_ports(self):
        port = free_port()
        serve = harness.Serve(HOSTILE, "--extension", str(SELF_SUBSCRIBER), "--env", f"INVOKE_PORT={port}",
                              listen=f"127.0.0.1:{port}")
        try:
            self.assertEqual(serve.port, port)
            status, _, body = serve.invoke(b'{"n": 1}')
            self.assertEqual(status, 200, body)
        finally:
            code, _, stderr = serve.stop()
        [answers] = harness.records(stderr, "ext:self-subscriber")
        self.assertEqual(len(answers), 8)
        for answer in answers:
            with self.subTest(answer=answer):
                self.assertEqual(answer["status"], 400)
                self.assertIn("ValidationError", answer["body"]["errorType"])
                self.assertIn(f"{answer['port']} is lambda-emu's own listener", answer["body"]["errorMessage"])
        # One invocation, not a storm of them.
        self.assertEqual(stderr.count("START RequestId"), 1, stderr)


if __name__ == "__main__":
    unittest.main()
