"""`lambda-emu serve`: AWS's Invoke API (docs/lambda-rules.md §6.2) as curl and the SDKs call it, the
control endpoint, concurrency, idle shutdown, and shutting down on SIGTERM."""
import base64
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ElementTree

import harness
import schema

SLOW_ECHO = harness.runtime("slow-echo")
LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"
SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())


def body_json(answer):
    return json.loads(answer[2])


def invoke_in_parallel(serve, payloads):
    """All at once, one thread each; the answers in order."""
    with concurrent.futures.ThreadPoolExecutor(len(payloads)) as pool:
        return list(pool.map(lambda payload: serve.invoke(json.dumps(payload).encode()), payloads))


class InvokeApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = harness.Serve(SLOW_ECHO, "--timeout", "2")

    @classmethod
    def tearDownClass(cls):
        cls.code, _, cls.stderr = cls.serve.stop()
        harness.assert_nothing_left(unittest.TestCase(), cls.serve.name)

    def test_request_response(self):
        status, headers, body = self.serve.invoke(b'{"hello": "world"}')
        self.assertEqual(status, 200)
        self.assertEqual(headers["x-amz-executed-version"], "$LATEST")
        self.assertNotIn("x-amz-function-error", headers)
        self.assertEqual(json.loads(body)["event"], {"hello": "world"})

    def test_plain_curl_path_of_aws_runtime_interface_emulator(self):
        status, _, body = self.serve.invoke(b'{"rie": 1}', function="function")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["event"], {"rie": 1})

    def test_function_addressed_by_arn_reaches_the_runtime_as_addressed(self):
        arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.serve.name}"
        answer = self.serve.invoke(b"{}", function=f"{arn}:$LATEST")
        self.assertEqual(answer[0], 200)
        self.assertEqual(body_json(answer)["headers"]["lambda-runtime-invoked-function-arn"], f"{arn}:$LATEST")
        partial = self.serve.invoke(b"{}", function=f"123456789012:function:{self.serve.name}")
        self.assertEqual(body_json(partial)["headers"]["lambda-runtime-invoked-function-arn"], arn)

    def test_runtime_content_type_is_kept(self):
        status, headers, body = self.serve.invoke(b'{"plain": true}')
        self.assertEqual((status, headers["content-type"], body), (200, "text/plain", b"plain text answer"))

    def test_event_is_202_and_runs(self):
        status, _, body = self.serve.invoke(b'{"async": 1}', {"X-Amz-Invocation-Type": "Event"})
        self.assertEqual((status, body), (202, b""))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            report = body_json(self.serve.request("GET", "/lambda-emu/report"))
            events = [i for e in report["environments"] for i in e["report"]["invocations"] if i["event"] == "Event"]
            if events:
                self.assertEqual(events[0]["outcome"], "success")
                return
            time.sleep(0.05)
        self.fail("the Event invocation never ran")

    def test_dry_run_is_204(self):
        status, _, body = self.serve.invoke(b"{}", {"X-Amz-Invocation-Type": "DryRun"})
        self.assertEqual((status, body), (204, b""))

    def test_log_tail_is_the_invocations_log_in_base64(self):
        status, headers, _ = self.serve.invoke(b"{}", {"X-Amz-Log-Type": "Tail"})
        self.assertEqual(status, 200)
        log = base64.b64decode(headers["x-amz-log-result"]).decode()
        lines = log.splitlines()
        self.assertTrue(lines[0].startswith("START RequestId: "), log)
        self.assertTrue(any(l.startswith("handling ") for l in lines), log)
        self.assertTrue(lines[-2].startswith("END RequestId: "), log)
        self.assertTrue(lines[-1].startswith("REPORT RequestId: "), log)

    def test_client_context_reaches_the_runtime_decoded(self):
        context = {"custom": {"tenant": "t1"}}
        headers = {"X-Amz-Client-Context": base64.b64encode(json.dumps(context).encode()).decode()}
        seen = body_json(self.serve.invoke(b"{}", headers))["headers"]
        self.assertEqual(json.loads(seen["lambda-runtime-client-context"]), context)

    def test_trace_id_header_is_passed_on(self):
        trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        seen = body_json(self.serve.invoke(b"{}", {"X-Amzn-Trace-Id": trace}))["headers"]
        self.assertEqual(seen["lambda-runtime-trace-id"], trace)

    def test_timeout_is_a_function_error_with_sandbox_timedout(self):
        status, headers, body = self.serve.invoke(b'{"sleep": 5}')
        self.assertEqual(status, 200)
        self.assertEqual(headers["x-amz-function-error"], "Unhandled")
        self.assertEqual(json.loads(body)["errorType"], "Sandbox.Timedout")

    def test_service_errors_in_aws_shape(self):
        missing = self.serve.invoke(b"{}", function="no-such-function")
        self.assertEqual((missing[0], missing[1]["x-amzn-errortype"]), (404, "ResourceNotFoundException"))
        self.assertEqual(body_json(missing)["message"],
                         "Function not found: arn:aws:lambda:us-east-1:123456789012:function:no-such-function:$LATEST")
        version = self.serve.invoke(b"{}", query="?Qualifier=7")
        self.assertEqual(version[0], 404)
        not_json = self.serve.invoke(b"{not json")
        self.assertEqual((not_json[0], not_json[1]["x-amzn-errortype"]), (400, "InvalidRequestContentException"))
        self.assertTrue(body_json(not_json)["message"].startswith("Could not parse request body into json"))
        too_big = self.serve.invoke(b'"' + b"x" * 6291456 + b'"')
        self.assertEqual((too_big[0], too_big[1]["x-amzn-errortype"]), (413, "RequestTooLargeException"))
        self.assertEqual(body_json(too_big)["message"],
                         "6291458 byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)")
        async_too_big = self.serve.invoke(b'"' + b"x" * 1048576 + b'"', {"X-Amz-Invocation-Type": "Event"})
        self.assertEqual(async_too_big[0], 413)
        self.assertIn("Event invocation type (limit 1048576 bytes)", body_json(async_too_big)["message"])
        bad_type = self.serve.invoke(b"{}", {"X-Amz-Invocation-Type": "Sometimes"})
        self.assertEqual((bad_type[0], bad_type[1]["x-amzn-errortype"]), (400, "InvalidParameterValueException"))

    def test_control_endpoint_health_and_unknown_actions(self):
        health = body_json(self.serve.request("GET", "/lambda-emu/health"))
        self.assertEqual(health["status"], "ready")
        unknown = self.serve.request("POST", "/lambda-emu/restart")
        self.assertEqual(unknown[0], 404)
        self.assertIn("unknown control action 'restart'", body_json(unknown)["message"])
        bad_reason = self.serve.request("POST", "/lambda-emu/shutdown?reason=bored")
        self.assertEqual(bad_reason[0], 400)
        no_such = self.serve.request("POST", "/lambda-emu/shutdown?environment=99")
        self.assertEqual(no_such[0], 404)

    def test_client_that_disconnects_mid_invocation_still_gets_its_invocation_completed(self):
        with socket.create_connection(("127.0.0.1", self.serve.port)) as sock:
            body = b'{"sleep": 0.3, "marker": "gone"}'
            sock.sendall(b"POST /2015-03-31/functions/function/invocations HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        time.sleep(1.0)
        report = body_json(self.serve.request("GET", "/lambda-emu/report"))
        outcomes = [i["outcome"] for e in report["environments"] for i in e["report"]["invocations"]]
        self.assertIn("success", outcomes)
        self.assertEqual(self.serve.invoke(b"{}")[0], 200, "still serving")

    def test_many_idle_connections_are_bounded_and_do_not_stop_service(self):
        sockets = []
        try:
            for _ in range(1500):
                try:
                    sockets.append(socket.create_connection(("127.0.0.1", self.serve.port), timeout=5))
                except OSError:
                    break
            self.assertGreater(len(sockets), 100)
        finally:
            for sock in sockets:
                sock.close()
        time.sleep(0.2)
        self.assertEqual(self.serve.invoke(b"{}")[0], 200)


def read_chunked(port, function="function"):
    """Invokes over a raw socket; returns [(ms since the request, bytes)] as they arrived."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"POST /2015-03-31/functions/{function}/invocations HTTP/1.1\r\nHost: x\r\n"
                     "Content-Length: 2\r\n\r\n{}".encode())
        started = time.monotonic()
        arrivals, data = [], b""
        while not data.endswith(b"\r\n\r\n") or b"\r\n0\r\n" not in data:
            piece = sock.recv(65536)
            if not piece:
                break
            arrivals.append(((time.monotonic() - started) * 1000, piece))
            data += piece
    return arrivals, data


class Streaming(unittest.TestCase):
    def test_streamed_response_reaches_the_caller_in_pieces_before_the_runtime_finished(self):
        with harness.Serve(harness.misbehaving("streams-response")) as serve:
            arrivals, data = read_chunked(serve.port)
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertIn(b"Transfer-Encoding: chunked", head)
        self.assertIn(b"Content-Type: text/plain", head)
        for line in (b"first chunk", b"second chunk", b"third chunk"):
            self.assertIn(line, body)
        self.assertGreaterEqual(len(arrivals), 3, arrivals)
        first_chunk_at = next(ms for ms, piece in arrivals if b"first chunk" in piece)
        self.assertGreater(arrivals[-1][0] - first_chunk_at, 100, "the first chunk came well before the end")
        self.assertNotIn(b"X-Amz-Function-Error:", body)

    def test_stream_that_fails_ends_with_error_trailers(self):
        with harness.Serve(harness.misbehaving("streams-then-fails")) as serve:
            _, data = read_chunked(serve.port)
        trailers = data.rsplit(b"\r\n0\r\n", 1)[1].decode()
        self.assertIn("X-Amz-Function-Error: Unhandled", trailers)
        self.assertIn("X-Amz-Function-Error-Type: Runtime.StreamError", trailers)
        encoded = trailers.split("X-Amz-Function-Error-Body: ")[1].split("\r\n")[0]
        self.assertEqual(json.loads(base64.b64decode(encoded))["errorMessage"], "upstream closed mid-stream")

    def test_tail_callers_get_the_stream_whole(self):
        with harness.Serve(harness.misbehaving("streams-response")) as serve:
            status, headers, body = serve.invoke(b"{}", {"X-Amz-Log-Type": "Tail"})
        self.assertEqual(status, 200)
        self.assertEqual(body, b"first chunk\nsecond chunk\nthird chunk\n")
        self.assertIn("x-amz-log-result", headers)


class Concurrency(unittest.TestCase):
    def test_four_slow_invocations_run_on_four_environments_each_with_its_extension(self):
        with tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            serve = harness.Serve(SLOW_ECHO, "--concurrency", "4", "--extension", str(LOGGER), "--report", report_path)
            with serve:
                answers = invoke_in_parallel(serve, [{"sleep": 1.0, "n": n} for n in range(4)])
                code, _, stderr = serve.stop()
            with open(report_path) as f:
                report = json.load(f)
        self.assertEqual([a[0] for a in answers], [200] * 4)
        self.assertEqual(len({body_json(a)["instance"] for a in answers}), 4, "four distinct runtimes")
        # In flight at once: every runtime was still sleeping when the last one began to.
        intervals = [(body_json(a)["slept_from"], body_json(a)["slept_until"]) for a in answers]
        self.assertLess(max(start for start, _ in intervals), min(end for _, end in intervals))
        self.assertEqual(code, 0, stderr)
        self.assertEqual(len(report["environments"]), 4)
        self.assertEqual(schema.errors(report, SCHEMA), [])  # serve's report, each environment's within
        extension_pids = set()
        for environment in report["environments"]:
            final = environment["report"]["shutdowns"][-1]
            verdicts = {p["name"]: p["verdict"] for p in final["processes"]}
            self.assertEqual(verdicts, {"runtime": "graceful", "shutdown-logger": "graceful"})
            extension_pids.add(next(p["pid"] for p in final["processes"] if p["name"] == "shutdown-logger"))
        self.assertEqual(len(extension_pids), 4, "each environment had its own extension process")
        harness.assert_nothing_left(self, serve.name)

    def test_no_queue_answers_429_when_every_environment_is_busy(self):
        with harness.Serve(SLOW_ECHO, "--no-queue") as serve:
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                slow = pool.submit(serve.invoke, b'{"sleep": 1.0}')
                time.sleep(0.5)
                busy = serve.invoke(b"{}")
                self.assertEqual(slow.result()[0], 200)
            self.assertEqual((busy[0], busy[1]["x-amzn-errortype"]), (429, "TooManyRequestsException"))

    def test_requests_beyond_concurrency_wait_in_the_queue(self):
        with harness.Serve(SLOW_ECHO) as serve:
            answers = invoke_in_parallel(serve, [{"sleep": 0.3}] * 3)
        self.assertEqual([a[0] for a in answers], [200] * 3)
        self.assertEqual(len({body_json(a)["instance"] for a in answers}), 1, "one environment, reused warm")


class ShutdownOnDemand(unittest.TestCase):
    def test_idle_environment_spins_down_and_the_next_invocation_cold_starts(self):
        with harness.Serve(SLOW_ECHO, "--idle-shutdown", "0.5", "--extension", str(LOGGER)) as serve:
            first = body_json(serve.invoke(b"{}"))["instance"]
            time.sleep(1.5)
            report = body_json(serve.request("GET", "/lambda-emu/report"))
            self.assertEqual(report["environments"][0]["report"]["shutdowns"][-1]["reason"], "spindown")
            self.assertEqual(body_json(serve.request("GET", "/lambda-emu/health"))["environments"], 0)
            second = body_json(serve.invoke(b"{}"))["instance"]
            self.assertNotEqual(first, second)
            code, _, stderr = serve.stop()
        self.assertIn("idle for 500 ms, spinning down", stderr)
        self.assertIn("[ext:shutdown-logger] SHUTDOWN (spindown)", stderr)
        self.assertEqual(code, 0)

    def test_control_endpoint_shuts_down_returns_the_report_and_exits(self):
        serve = harness.Serve(SLOW_ECHO, "--extension", str(LOGGER))
        with serve:
            self.assertEqual(serve.invoke(b"{}")[0], 200)
            status, _, body = serve.request("POST", "/lambda-emu/shutdown?reason=timeout")
            report = json.loads(body)
            code = serve.process.wait(timeout=30)
        self.assertEqual(status, 200)
        final = report["environments"][0]["report"]["shutdowns"][-1]
        self.assertEqual((final["reason"], final["final"]), ("timeout", True))
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(code, 0)
        harness.assert_nothing_left(self, serve.name)

    def test_shutting_down_one_environment_keeps_serving(self):
        with harness.Serve(SLOW_ECHO) as serve:
            first = body_json(serve.invoke(b"{}"))["instance"]
            status, _, _ = serve.request("POST", "/lambda-emu/shutdown?environment=1")
            self.assertEqual(status, 200)
            second = body_json(serve.invoke(b"{}"))["instance"]
            self.assertNotEqual(first, second)

    def test_sigterm_shuts_everything_down_writes_the_report_and_leaves_nothing(self):
        with tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            junit_path = os.path.join(folder, "junit.xml")
            serve = harness.Serve(SLOW_ECHO, "--concurrency", "2", "--extension", str(LOGGER), "--report", report_path,
                                  "--junit", junit_path)
            with serve:
                invoke_in_parallel(serve, [{"sleep": 0.3}, {"sleep": 0.3}])
                self.assertTrue(harness.processes_of(serve.name))
                code, _, stderr = serve.stop(signal.SIGTERM)
            with open(report_path) as f:
                report = json.load(f)
            junit = ElementTree.parse(junit_path).getroot()
        self.assertEqual(code, 0, stderr)
        self.assertEqual(len(report["environments"]), 2)
        suites = junit.findall("testsuite")
        self.assertEqual(len(suites), 2, "one test suite per environment")
        for suite in suites:  # Init, one invocation, then the runtime's and the extension's cleanup
            self.assertEqual([int(suite.get("tests")), int(suite.get("failures"))], [4, 0])
        self.assertEqual([suite.get("name") for suite in suites],
                         [f"lambda-emu.{serve.name}.environment-{n}" for n in (1, 2)])
        harness.assert_nothing_left(self, serve.name)

    def test_requests_while_shutting_down_get_503(self):
        serve = harness.Serve(harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap", "--env", "CLEANUP_MS=1500",
                              "--env", "INTERNAL_EXTENSION=1", "--runtime-grace", "3000")
        with serve:
            self.assertEqual(serve.invoke(b"{}")[0], 200)
            serve.process.send_signal(signal.SIGTERM)
            harness.wait_for_stderr_line(serve.process, "interrupted by SIGTERM")
            late = serve.invoke(b"{}")
            serve.stop()
        self.assertEqual((late[0], late[1]["x-amzn-errortype"]), (503, "ServiceException"))


if __name__ == "__main__":
    unittest.main()


class UnreadConsole(unittest.TestCase):
    """Whoever started the emulator may never read its output (a harness with stdout=PIPE it
    forgets), or stop reading it (`| head`): the emulator's own writes must never stop it
    answering, nor end it before its report."""

    def test_an_unread_console_never_stops_serve_and_loses_nothing_once_read(self):
        chatty = harness.runtime("chatty")
        with harness.Serve(chatty) as serve:
            # 3 x 6,000 lines of ~80 bytes: ~1.4 MB, twenty times what the unread pipe holds.
            for _ in range(3):
                status, _, body = serve.invoke(json.dumps({"lines": 6000, "width": 40}).encode())
                self.assertEqual(status, 200, body)
                self.assertEqual(json.loads(body), {"printed": 6000})
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr[-2000:])
        # Read at last (stop() reads everything), every line is there, in order.
        printed = [line for line in stderr.splitlines() if " line " in line]
        self.assertEqual(len(printed), 18000)
        self.assertIn("line 5999 ", printed[-1])
        self.assertNotIn("were dropped", stderr)

    def test_output_beyond_the_backlog_is_dropped_whole_lines_and_said(self):
        chatty = harness.runtime("chatty")
        with harness.Serve(chatty) as serve:
            # ~21 MB of lines while nobody reads: more than the 16 MB the emulator keeps waiting.
            status, _, body = serve.invoke(json.dumps({"lines": 220000, "width": 50}).encode())
            self.assertEqual(status, 200, body)
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr[-2000:])
        self.assertRegex(stderr, r"\[lambda-emu\] \d+ bytes of output were dropped here")
        printed = [line for line in stderr.splitlines() if " line " in line]
        self.assertGreater(len(printed), 100000)
        self.assertLess(len(printed), 220000)
        # Whole lines only, in order.
        numbers = [int(line.split(" line ")[1].split()[0]) for line in printed]
        self.assertEqual(numbers, sorted(numbers))
        self.assertTrue(all(line.endswith("x" * 50) for line in printed))

    def test_a_reader_that_goes_away_ends_nothing_and_the_report_is_written(self):
        # `lambda-emu run ... | head`: the reader closes its end early. Before, the next write
        # raised SIGPIPE and the emulator died before its Shutdown phase and its report.
        chatty = harness.runtime("chatty")
        name = harness.unique_name("gone")
        with tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            event_path = os.path.join(folder, "event.json")
            with open(event_path, "w") as event:
                json.dump({"lines": 20000}, event)
            process = subprocess.Popen([harness.EMULATOR, "run", str(chatty), "--function-name", name,
                                        "--report", report_path, "--event", event_path],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            process.stdout.close()
            process.stderr.close()
            code = process.wait(timeout=60)
            self.assertEqual(code, 0)
            with open(report_path) as written:
                report = json.load(written)
        self.assertEqual(len(report["invocations"]), 1)
        self.assertEqual(len(report["shutdowns"]), 1)
        harness.assert_nothing_left(self, name)
