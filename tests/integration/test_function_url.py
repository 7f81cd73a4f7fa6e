"""Function URLs on `serve` (/lambda-url/{name}/...), called with curl as a browser or any HTTP
client would: the request becomes the payload format 2.0 event, the function's answer the HTTP
response, a streaming function's body reaches the client as it is written."""
import base64
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import unittest

import harness

STREAMER = harness.runtime("streamer")


def curl(*args, timeout=60):
    """Runs curl; returns (status, lower-cased headers as a list of pairs, body bytes)."""
    done = subprocess.run(["curl", "-sS", "-D", "-", *args], capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"curl failed: {done.stderr.decode(errors='replace')}")
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines[1:])]
    return status, headers, body


def header(headers, name):
    return [value for key, value in headers if key == name]


class FunctionUrl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = harness.Serve(STREAMER, "--timeout", "30")
        cls.base = f"{cls.serve.url}/lambda-url/{cls.serve.name}"

    @classmethod
    def tearDownClass(cls):
        code, _, stderr = cls.serve.stop()
        assert code == 0, stderr
        harness.kill_leftovers(cls.serve.name)

    def test_get_with_query_and_cookies_becomes_the_2_0_event(self):
        status, headers, body = curl(f"{self.base}/echo?name=Jane&tag=a&tag=b%20c", "-H", "X-Repeated: one",
                                     "-H", "X-Repeated: two", "-H", "Cookie: session=abc; theme=dark",
                                     "-A", "curl-test")
        self.assertEqual(status, 200)
        self.assertEqual(header(headers, "content-type"), ["application/json"])
        event = json.loads(body)
        self.assertEqual(event["version"], "2.0")
        self.assertEqual(event["routeKey"], "$default")
        self.assertEqual(event["rawPath"], "/echo")
        self.assertEqual(event["rawQueryString"], "name=Jane&tag=a&tag=b%20c")
        self.assertEqual(event["queryStringParameters"], {"name": "Jane", "tag": "a,b c"})
        self.assertEqual(event["cookies"], ["session=abc", "theme=dark"])
        self.assertNotIn("cookie", event["headers"])
        self.assertEqual(event["headers"]["x-repeated"], "one,two")
        self.assertEqual(event["headers"]["user-agent"], "curl-test")
        self.assertTrue(event["headers"]["x-amzn-trace-id"].startswith("Root=1-"))
        context = event["requestContext"]
        self.assertEqual(context["http"], {"method": "GET", "path": "/echo", "protocol": "HTTP/1.1",
                                           "sourceIp": "127.0.0.1", "userAgent": "curl-test"})
        self.assertEqual((context["stage"], context["routeKey"]), ("$default", "$default"))
        self.assertEqual(context["domainName"], f"127.0.0.1:{self.serve.port}")
        self.assertRegex(context["requestId"], r"^[0-9a-f-]{36}$")
        self.assertRegex(context["time"], r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$")
        self.assertIsInstance(context["timeEpoch"], int)
        self.assertNotIn("body", event)
        self.assertFalse(event["isBase64Encoded"])

    def test_a_text_body_is_passed_as_text(self):
        _, _, body = curl("-X", "PUT", f"{self.base}/echo", "-H", "Content-Type: application/json",
                          "--data-binary", '{"k": "v"}')
        event = json.loads(body)
        self.assertEqual(event["requestContext"]["http"]["method"], "PUT")
        self.assertEqual((event["body"], event["isBase64Encoded"]), ('{"k": "v"}', False))

    def test_a_binary_body_is_base64_both_ways(self):
        directory = tempfile.mkdtemp()
        try:
            sent = bytes(range(256)) * 4
            path = pathlib.Path(directory) / "body.bin"
            path.write_bytes(sent)
            status, headers, body = curl("-X", "POST", f"{self.base}/binary", "-H",
                                         "Content-Type: application/octet-stream", "--data-binary", f"@{path}")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        self.assertEqual(status, 200)
        self.assertEqual(header(headers, "content-type"), ["application/octet-stream"])
        self.assertEqual(body, sent[::-1])  # the function got the bytes (base64) and sent them back reversed

    def test_a_structured_answer_sets_status_headers_and_cookies(self):
        status, headers, body = curl(f"{self.base}/structured")
        self.assertEqual(status, 201)
        self.assertEqual(header(headers, "content-type"), ["text/plain"])
        self.assertEqual(header(headers, "x-custom"), ["yes"])
        self.assertEqual(header(headers, "set-cookie"), ["a=1; Path=/", "b=2; Max-Age=60"])
        self.assertEqual(body, b"created")

    def test_a_plain_json_value_is_200_application_json(self):
        status, headers, body = curl(f"{self.base}/plain")
        self.assertEqual(status, 200)
        self.assertEqual(header(headers, "content-type"), ["application/json"])
        self.assertEqual(json.loads(body), {"hello": "world"})

    def test_another_function_name_is_not_found(self):
        status, _, _ = curl(f"{self.serve.url}/lambda-url/other-function/echo")
        self.assertEqual(status, 404)

    def test_a_streamed_answer_reaches_the_client_before_the_function_ends(self):
        # In the function's folder, where the runtime looks for it (streamer's docstring says why).
        signal = STREAMER.parent / harness.unique_name("first-bytes-received")
        try:
            with subprocess.Popen(["curl", "-sSN", "-D", "-", f"{self.base}/stream?signal={signal.name}"],
                                  stdout=subprocess.PIPE) as client:
                received = b""
                while b"first\n" not in received:
                    piece = client.stdout.read1(65536)
                    if not piece:
                        break
                    received += piece
                # The function waits for this file before it writes its last bytes.
                signal.write_text("got the first bytes\n")
                rest = client.stdout.read()
                client.wait(timeout=30)
        finally:
            signal.unlink(missing_ok=True)
        head, _, body = (received + rest).partition(b"\r\n\r\n")
        head = head.decode()
        self.assertTrue(head.startswith("HTTP/1.1 200"), head)
        self.assertIn("Content-Type: text/plain", head)
        self.assertIn("X-Streamed: yes", head)
        self.assertIn("Set-Cookie: s=1", head)
        self.assertIn("Transfer-Encoding: chunked", head)
        self.assertEqual(body, b"first\nlast (signalled)\n")


class FunctionUrlErrors(unittest.TestCase):
    def test_a_function_error_is_502(self):
        with harness.Serve(STREAMER) as serve:
            status, _, body = curl(f"{serve.url}/lambda-url/{serve.name}/error")
            self.assertEqual((status, body), (502, b"Internal Server Error"))
            code, _, _ = serve.stop()
            self.assertEqual(code, 1)  # a function error, as for any invocation
        harness.assert_nothing_left(self, serve.name)


class FunctionUrlAnswers(unittest.TestCase):
    """Answers a function URL cannot send as they are, mapped as AWS maps them: each request asks
    the function (streamer's /answer) to answer exactly the JSON it names; the client must get a
    proper HTTP response within a few seconds, and the report must say what the invocation was."""

    def serve_answers(self, *answers):
        """Serves the function, asks for each answer in turn and stops; returns the client's
        (status, headers, body) for each, the report's invocations, the exit code and stderr."""
        folder = tempfile.mkdtemp()
        try:
            report_path = os.path.join(folder, "report.json")
            with harness.Serve(STREAMER, "--report", report_path) as serve:
                base = f"{serve.url}/lambda-url/{serve.name}/answer"
                # --max-time: an interim status left curl waiting for a final one until its own timeout.
                got = [curl("--max-time", "5", "-G", base, "--data-urlencode", f"json={json.dumps(answer)}")
                       for answer in answers]
                # The caller has its answer once the runtime posted it; the runtime says so and asks
                # for the next event a moment later. Stopping before that would kill it mid-line.
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    _, _, body = serve.request("GET", "/lambda-emu/report")
                    finished = [i for e in json.loads(body)["environments"] for i in e["report"]["invocations"]]
                    if len(finished) == len(answers):
                        break
                    time.sleep(0.02)
                code, _, stderr = serve.stop()
            harness.assert_nothing_left(self, serve.name)
            with open(report_path) as f:
                report = json.load(f)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        invocations = [i for e in report["environments"] for i in e["report"]["invocations"]]
        self.assertEqual(len(invocations), len(answers))
        return got, invocations, code, stderr

    def assert_refused(self, got, invocation):
        self.assertEqual((got[0], got[2]), (502, b"Internal Server Error"))
        self.assertEqual((invocation["outcome"], invocation["status"]), ("function-error", "error"))
        self.assertEqual(invocation["errorType"], "Function.InvalidUrlResponse")

    def test_an_interim_status_is_refused_as_a_function_error(self):
        codes = [100, 101, 199]
        got, invocations, code, stderr = self.serve_answers(*({"statusCode": c, "body": "x"} for c in codes))
        for status, answer, invocation in zip(codes, got, invocations):
            with self.subTest(status=status):
                self.assert_refused(answer, invocation)
        self.assertEqual(code, 1, stderr)  # a function error, as for any invocation
        self.assertEqual(stderr.count("/response answered 202"), 3, stderr)  # the runtime did its part

    def test_204_and_304_are_sent_without_the_body_the_function_gave(self):
        got, invocations, code, stderr = self.serve_answers(
            {"statusCode": 204, "headers": {"X-Kept": "yes"}, "body": "dropped"},
            {"statusCode": 304, "body": "dropped too"})
        for (status, headers, body), expected in zip(got, [204, 304]):
            self.assertEqual((status, body), (expected, b""))
            self.assertEqual(header(headers, "transfer-encoding"), [])
            self.assertEqual(header(headers, "content-length"), [])  # none on an empty 204 or 304
        self.assertEqual(header(got[0][1], "x-kept"), ["yes"])
        self.assertEqual([i["outcome"] for i in invocations], ["success", "success"])
        self.assertEqual(code, 0, stderr)
        self.assertEqual(stderr.count("/response answered 202"), 2, stderr)
        self.assertRegex(stderr, r"warning: .*204.* body .*dropped")
        self.assertRegex(stderr, r"warning: .*304.* body .*dropped")

    def test_header_names_that_are_not_http_tokens_are_dropped(self):
        answer = {"statusCode": 200, "body": "ok",
                  "headers": {"": "v", " ": "w", "a:b": "c", "with space": "d", "caf\u00e9": "e", "X-Ok": "yes"}}
        ((status, headers, body),), invocations, code, stderr = self.serve_answers(answer)
        self.assertEqual((status, body), (200, b"ok"))
        self.assertEqual(header(headers, "x-ok"), ["yes"])
        names = [name for name, _ in headers]
        for name in names:
            self.assertRegex(name, r"^[!#$%&'*+.^_`|~0-9a-z-]+$", names)
        self.assertNotIn("a", names)  # "a:b: c" read back as header "a"
        self.assertEqual(invocations[0]["outcome"], "success")
        self.assertEqual(code, 0, stderr)

    def test_a_base64_body_that_is_not_a_string_is_refused_as_a_function_error(self):
        answers = [{"statusCode": 200, "body": 123, "isBase64Encoded": True},
                   {"statusCode": 200, "body": {"a": "aGk="}, "isBase64Encoded": True},
                   {"statusCode": 200, "body": True, "isBase64Encoded": True}]
        got, invocations, code, stderr = self.serve_answers(*answers)
        for answer, invocation in zip(got, invocations):
            self.assert_refused(answer, invocation)
        self.assertEqual(code, 1, stderr)


if __name__ == "__main__":
    unittest.main()
