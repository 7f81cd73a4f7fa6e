"""Hostile HTTP on every listener: names that cannot be decoded, route code that fails, slow and
idle clients, more connections than the cap, bodies that can never be taken, and error bodies
that are not JSON. Whatever a client does, the emulator answers clearly and goes on serving."""
import json
import os
import pathlib
import re
import resource
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import harness

ECHO = harness.runtime("echo")
PLAIN_ERROR = harness.runtime("plain-error")
INVALID_REQUEST_ID = b'{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}\n'


def exchange(port, data, timeout=10):
    """Sends raw bytes and reads one answer: (status, lower-cased headers, body). The body is read
    by its Content-Length, so a connection the server keeps (or lingers on) does not matter."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_answer(sock)


def read_answer(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise AssertionError(f"connection closed before an answer: {data!r}")
        data += piece
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        body += piece
    return int(lines[0].split(" ")[1]), headers, body


def open_idle_connections(port, count):
    """`count` connections that never send a byte; the test's own descriptor limit raised to fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 200), hard))
    return [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]


def close_all(sockets):
    for sock in sockets:
        sock.close()


def connect_when_listening(port, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def runtime_api_port(serve):
    """The Runtime API port of serve's (only) environment, as its echo runtime saw it."""
    status, _, body = serve.invoke(b'{"find": "port"}')
    assert status == 200, (status, body)
    return int(json.loads(body)["env"]["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)[1])


class HostileRequests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = harness.Serve(ECHO)

    @classmethod
    def tearDownClass(cls):
        cls.code, _, cls.stderr = cls.serve.stop()
        harness.assert_nothing_left(unittest.TestCase(), cls.serve.name)

    def post(self, target, body=b"{}", headers=b""):
        return exchange(self.serve.port, b"POST " + target + b" HTTP/1.1\r\nHost: x\r\n" + headers +
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    def assert_still_serving(self):
        status, _, body = self.serve.invoke(b'{"still": "serving"}')
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["event"], {"still": "serving"})
        self.assertIsNone(self.serve.process.poll(), "serve is still running")

    def test_an_escape_that_is_not_hex_is_a_400_naming_it(self):
        name = self.serve.name.encode()
        for target, escape, where in [
            (b"/2015-03-31/functions/%zz/invocations", "%zz", "functionName"),
            (b"/2015-03-31/functions/" + name + b"%4/invocations", "%4", "functionName"),
            (b"/2015-03-31/functions/" + name + b"/invocations?Qualifier=%zz", "%zz", "Qualifier"),
            (b"/2015-03-31/functions/%\xff\xfe/invocations", "%\\xff\\xfe", "functionName"),
        ]:
            with self.subTest(target=target):
                status, headers, body = self.post(target)
                self.assertEqual(status, 400, body)
                self.assertEqual(headers["x-amzn-errortype"], "InvalidParameterValueException")
                self.assertEqual(json.loads(body), {"Type": "User",
                                                    "message": f"Invalid percent-encoding '{escape}' in {where}"})
        self.assert_still_serving()

    def test_route_code_that_fails_is_a_500_with_a_line_on_stderr_and_serve_goes_on(self):
        # A name that decodes to a byte that is not UTF-8 reaches a JSON document: however that is
        # answered (a 404 once every message is made safe, a 500 from the guard otherwise), serve lives.
        with harness.Serve(ECHO) as serve:
            status, _, body = exchange(serve.port, b"POST /2015-03-31/functions/%ff/invocations HTTP/1.1\r\n"
                                       b"Host: x\r\nContent-Length: 2\r\n\r\n{}")
            self.assertIn(status, (404, 500), body)
            self.assertEqual(serve.invoke(b"{}")[0], 200)
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        if status == 500:
            self.assertEqual(json.loads(body)["errorType"], "InternalServerError")
            self.assertIn("[lambda-emu] http: POST /2015-03-31/functions/%ff/invocations: its handler threw:", stderr)

    def test_a_slowloris_client_is_cut_off_and_service_continues(self):
        with socket.create_connection(("127.0.0.1", self.serve.port)) as slow:
            slow.sendall(f"POST /2015-03-31/functions/{self.serve.name}/invocations HTTP/1.1\r\n".encode())
            started = time.monotonic()
            cut_after = None
            sent = 0
            while time.monotonic() - started < 40:
                if sent == 2:
                    self.assert_still_serving()  # others are served while it drips
                try:
                    slow.sendall(b"X")  # one byte a second: the header never ends
                    sent += 1
                    slow.settimeout(1.0)
                    if slow.recv(1024) == b"":
                        cut_after = time.monotonic() - started
                        break
                except socket.timeout:
                    continue
                except OSError:
                    cut_after = time.monotonic() - started
                    break
        self.assertIsNotNone(cut_after, "the slow header was never cut")
        self.assertLess(sent, 30, f"cut after {sent} bytes, {cut_after:.1f} s")
        self.assert_still_serving()

    def test_more_idle_connections_than_the_cap_do_not_lock_callers_out(self):
        idle = open_idle_connections(self.serve.port, 1100)
        try:
            self.assert_still_serving()
            self.assert_still_serving()
        finally:
            close_all(idle)

    def test_a_body_that_can_never_be_taken_is_refused_from_its_head(self):
        target = f"/2015-03-31/functions/{self.serve.name}/invocations".encode()
        status, headers, body = exchange(self.serve.port, b"POST " + target + b" HTTP/1.1\r\nHost: x\r\n"
                                         b"Content-Length: 1000000000\r\n\r\n{\"first\": \"bytes\"")
        self.assertEqual(status, 413, body)
        self.assertEqual(headers["x-amzn-errortype"], "RequestTooLargeException")
        self.assertIn("1000000000 byte payload is too large", json.loads(body)["message"])
        self.assert_still_serving()


class RuntimeApiUnderPressure(unittest.TestCase):
    def test_the_runtime_is_served_while_1100_idle_connections_sit_on_its_port(self):
        # The connections arrive while the runtime initialises, so every place is taken by the
        # time it calls /next for the first time, and again for each /response and /next after.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with tempfile.TemporaryDirectory() as folder:
            function = pathlib.Path(folder) / "function"
            shutil.copytree(ECHO.parent, function)  # echo, packaged with the module it imports
            (function / "bootstrap").rename(function / "echo")
            bootstrap = function / "bootstrap"
            bootstrap.write_text('#!/bin/sh\nsleep 3\nexec "$(dirname "$0")/echo"\n')
            bootstrap.chmod(0o755)
            os.chmod(folder, 0o755)  # the function's folder, readable by the sandbox's user
            event = pathlib.Path(folder) / "event.json"
            event.write_text('{"crowded": true}')
            name = harness.unique_name("crowded")
            process = harness.start(bootstrap, "--port", str(port), "--event", str(event), "--event", str(event),
                                     name=name)
            idle = []
            try:
                idle.append(connect_when_listening(port))
                idle += open_idle_connections(port, 1099)
                stdout, stderr = process.communicate(timeout=60)
            finally:
                close_all(idle)
                if process.poll() is None:
                    process.kill()
                    process.communicate()
                harness.kill_leftovers(name)
        run = harness.Run(process.returncode, stdout, stderr)
        self.assertEqual(run.code, 0, run)
        self.assertEqual([result["payload"]["event"] for result in run.results], [{"crowded": True}] * 2, run)
        harness.assert_nothing_left(self, name)

    def test_out_of_descriptors_the_longest_waiting_connection_makes_room(self):
        # Below the cap, the process's own descriptor limit can be what runs out first.
        def low_descriptor_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (200, 200))
        name = harness.unique_name("fds")
        process = subprocess.Popen([harness.EMULATOR, "serve", str(ECHO), "--function-name", name,
                                    "--listen", "127.0.0.1:0"], preexec_fn=low_descriptor_limit,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        idle = []
        try:
            seen = harness.wait_for_stderr_line(process, "serving function")
            port = int(re.search(r"http://127\.0\.0\.1:(\d+)", seen).group(1))
            idle = open_idle_connections(port, 300)
            path = f"/2015-03-31/functions/{name}/invocations"
            for n in range(3):
                status, _, body = exchange(port, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}".encode())
                self.assertEqual(status, 200, body)
        finally:
            close_all(idle)
            process.terminate()
            _, stderr = process.communicate(timeout=60)
            harness.kill_leftovers(name)
        self.assertEqual(process.returncode, 0, stderr)
        harness.assert_nothing_left(self, name)

    def test_a_post_for_a_request_id_not_in_flight_is_refused_before_its_body(self):
        with harness.Serve(ECHO) as serve:
            port = runtime_api_port(serve)
            for path, framing in [(b"/response", b"Content-Length: 1000000000\r\n\r\n{\"partial"),
                                  (b"/error", b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
                                  (b"/response", b"Transfer-Encoding: chunked\r\n\r\n1000\r\nendless")]:
                with self.subTest(path=path, framing=framing):
                    status, headers, body = exchange(port, b"POST /2018-06-01/runtime/invocation/not-in-flight" +
                                                     path + b" HTTP/1.1\r\nHost: x\r\n" + framing)
                    self.assertEqual((status, headers["content-type"], body),
                                     (400, "application/json", INVALID_REQUEST_ID))
            status, _, body = serve.invoke(b'{"after": "refusals"}')
            self.assertEqual((status, json.loads(body)["event"]), (200, {"after": "refusals"}))


class ErrorBodiesThatAreNotJson(unittest.TestCase):
    def test_an_error_body_is_passed_on_under_a_type_that_does_not_claim_json_for_what_is_not(self):
        with harness.Serve(PLAIN_ERROR) as serve:
            for body, posted_type, expected_type in [
                ("plain words, not JSON", None, "application/octet-stream"),
                ("plain words, not JSON", "text/plain", "text/plain"),
                ("{not json either", "application/json", "application/octet-stream"),
                ('{"errorMessage":"m","errorType":"E"}', None, "application/json"),
                ('{"errorMessage":"m","errorType":"E"}', "application/vnd.aws.lambda.error+json",
                 "application/vnd.aws.lambda.error+json"),
            ]:
                with self.subTest(body=body, posted_type=posted_type):
                    status, headers, answer = serve.invoke(json.dumps({"body": body, "content_type": posted_type}).encode())
                    self.assertEqual(status, 200)
                    self.assertEqual(headers["x-amz-function-error"], "Unhandled")
                    self.assertEqual(headers["content-type"], expected_type)
                    self.assertEqual(answer, body.encode(), "the body is the runtime's, byte for byte")

    def test_an_init_error_body_that_is_not_json_is_octet_stream(self):
        with harness.Serve(PLAIN_ERROR, "--env", "INIT_ERROR_BODY=cannot start: no config") as serve:
            status, headers, answer = serve.invoke(b"{}")
            self.assertEqual(status, 200)
            self.assertEqual(headers["x-amz-function-error"], "Unhandled")
            self.assertEqual(headers["content-type"], "application/octet-stream")
            self.assertEqual(answer, b"cannot start: no config")


if __name__ == "__main__":
    unittest.main()
