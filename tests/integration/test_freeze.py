"""The freeze between invocations: Lambda stops the environment once an invocation is over (the
runtime called /next after answering, every INVOKE subscriber /event/next) and thaws it for the
next event or the Shutdown phase. Work left running after the response (here a timer that writes a
file 100 ms later, tests/integration/runtimes/late-timer) does not happen while the environment
is idle, and does once it is thawed; --no-freeze lets it run at once."""
import json
import os
import time
import unittest

import harness

LATE_TIMER = harness.runtime("late-timer")
SIGTERM_AWARE = harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap"
SHUTDOWN_LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"
RECORDER = harness.SAMPLES / "extensions" / "telemetry-recorder"
CHATTY = harness.runtime("chatty")


def process_states(name):
    """Every live process of the function: "frozen" (harness.is_frozen), else its state letter."""
    states = {}
    for pid in harness.processes_of(name):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                letter = stat.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        states[pid] = "frozen" if harness.is_frozen(pid) else letter
    return states


def command_of(pid):
    with open(f"/proc/{pid}/comm") as comm:
        return comm.read().strip()


def wait_for_file(path, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.02)
    return os.path.exists(path)


def invoke_json(serve, event):
    status, _, body = serve.invoke(json.dumps(event).encode())
    assert status == 200, (status, body)
    return json.loads(body)


def shut_down(serve):
    """Shuts every environment down, which ends `serve`; waits for it to exit by itself."""
    status, _, body = serve.request("POST", "/lambda-emu/shutdown")
    assert status == 200, (status, body)
    serve.process.wait(timeout=30)
    return json.loads(body)


class LateTimerTest(unittest.TestCase):
    """Two `serve` invocations 500 ms apart; the first leaves a timer due 100 ms after its answer."""

    def invoke_twice(self, *args):
        first_file = f"/tmp/{harness.unique_name('late-write')}"  # the sandbox's own /tmp, when on
        try:
            with harness.Serve(LATE_TIMER, *args) as serve:
                first = invoke_json(serve, {"file": first_file})
                seen_from_here = harness.inside(serve.name, first_file)
                time.sleep(0.5)
                written_while_idle = seen_from_here.exists()
                states_while_idle = process_states(serve.name)
                # Long enough for the overdue timer, resumed by the thaw, to write and print inside
                # this invocation: on a loaded machine it could otherwise be frozen again half-way.
                invoke_json(serve, {"sleepMs": 300})
                written_after_thaw = wait_for_file(seen_from_here)
                report = shut_down(serve)
                code, _, stderr = serve.stop()
            harness.assert_nothing_left(self, serve.name)
        finally:
            if not harness.SANDBOX and os.path.exists(first_file):
                os.unlink(first_file)
        return first, written_while_idle, states_while_idle, written_after_thaw, report, code, stderr

    def test_work_after_the_response_waits_for_the_thaw(self):
        first, written_while_idle, states, written_after_thaw, report, code, stderr = self.invoke_twice()
        self.assertFalse(written_while_idle, "the timer ran while the environment was frozen")
        self.assertTrue(states, "the runtime was not found")
        self.assertTrue(all(state == "frozen" for state in states.values()),
                        f"not every process was stopped: {states}")
        self.assertTrue(written_after_thaw, "the timer never ran after the thaw")
        self.assertIn(f"[runtime] late write of {first['requestId']}", stderr)
        self.assertEqual(code, 0, stderr)

        run_report = report["environments"][0]["report"]
        self.assertEqual(run_report["freeze"], {"enabled": True, "method": harness.FREEZE_METHOD})
        invocations = run_report["invocations"]
        self.assertEqual(len(invocations), 2)
        # Nothing was printed while it was frozen: the late line came with the next invocation.
        self.assertEqual(invocations[0]["lateOutput"]["afterEnd"], 0, invocations[0])
        self.assertIsNone(invocations[0]["lateOutput"]["diagnostic"])

    def test_with_no_freeze_it_runs_at_once_and_is_reported(self):
        first, written_while_idle, states, _, report, code, stderr = self.invoke_twice("--no-freeze")
        self.assertTrue(written_while_idle, "with --no-freeze the timer should have run while idle")
        self.assertFalse(any(state == "frozen" for state in states.values()), states)
        self.assertEqual(code, 0, stderr)

        run_report = report["environments"][0]["report"]
        self.assertEqual(run_report["freeze"], {"enabled": False, "method": None})
        late = run_report["invocations"][0]["lateOutput"]
        self.assertEqual(late["afterEnd"], 1, late)
        self.assertEqual(late["firstLine"], f"[runtime] late write of {first['requestId']}")
        self.assertIn("work continued after the response", late["diagnostic"])
        self.assertIn("--no-freeze", late["diagnostic"])
        self.assertIn(f"note: invocation {first['requestId']}: 1 line printed while the environment was idle", stderr)

    def test_the_timeout_counts_only_the_time_the_invocation_ran(self):
        # Frozen for longer than the whole timeout between two quick invocations.
        with harness.Serve(LATE_TIMER, "--timeout", "1") as serve:
            invoke_json(serve, {})
            time.sleep(1.3)
            status, headers, body = serve.invoke(b"{}")
            self.assertEqual(status, 200)
            self.assertNotIn("x-amz-function-error", headers, body)
            report = shut_down(serve)["environments"][0]["report"]
            serve.stop()
        self.assertEqual([i["outcome"] for i in report["invocations"]], ["success", "success"])
        self.assertEqual(len(report["shutdowns"]), 1)  # no reset


class FrozenShutdownTest(unittest.TestCase):
    def test_a_frozen_environment_is_thawed_before_sigterm_and_shutdown(self):
        with harness.Serve(SIGTERM_AWARE, "--extension", str(SHUTDOWN_LOGGER), "--env", "CLEANUP_MS=50") as serve:
            invoke_json(serve, {})
            time.sleep(0.3)
            states = process_states(serve.name)
            report = shut_down(serve)["environments"][0]["report"]
            code, _, stderr = serve.stop()
        harness.assert_nothing_left(self, serve.name)
        self.assertTrue(len(states) >= 2 and all(s == "frozen" for s in states.values()), states)
        self.assertEqual(code, 0, stderr)
        self.assertIn("[runtime] SIGTERM: cleaning up for 50 ms", stderr)
        shutdown = report["shutdowns"][0]
        verdicts = {p["name"]: p["verdict"] for p in shutdown["processes"]}
        self.assertEqual(verdicts, {"runtime": "graceful", "shutdown-logger": "graceful"}, shutdown)


class EscapedProcessTest(unittest.TestCase):
    def test_a_process_that_left_the_group_is_frozen_too(self):
        pid_file = f"/tmp/{harness.unique_name('escapee')}.pid"  # the sandbox's own /tmp, when on
        try:
            with harness.Serve(harness.runtime("escaper"), "--env", f"ESCAPEE_PID_FILE={pid_file}") as serve:
                invoke_json(serve, {})
                time.sleep(0.3)
                # By its host pid, which the one it wrote (of its PID namespace, in the sandbox) is not.
                (escapee,) = [pid for pid in harness.processes_of(serve.name) if command_of(pid) == "sleep"]
                states = process_states(serve.name)
                invoke_json(serve, {})
                report = shut_down(serve)["environments"][0]["report"]
                serve.stop()
            harness.assert_nothing_left(self, serve.name)
        finally:
            if not harness.SANDBOX and os.path.exists(pid_file):
                os.unlink(pid_file)
        self.assertEqual(states.get(escapee), "frozen", states)
        self.assertTrue(all(state == "frozen" for state in states.values()), states)
        escaped = [p["pid"] for s in report["shutdowns"] for p in s["escapedProcesses"]]
        self.assertIn(escapee, escaped)


class FrozenTelemetryTest(unittest.TestCase):
    def test_a_frozen_subscriber_gets_every_record_after_the_thaw(self):
        with harness.Serve(CHATTY, "--extension", str(RECORDER), "--env", "RECORD_FILE=-") as serve:
            for _ in range(3):
                status, _, body = serve.invoke(b'{"lines": 2}')
                self.assertEqual(status, 200, body)
                time.sleep(0.2)  # frozen: what the last invocation produced waits
            report = shut_down(serve)["environments"][0]["report"]
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr)
        [recorded] = harness.records(stderr)
        events = [e for batch in recorded["batches"] if batch["api"] == "telemetry" for e in batch["events"]]
        request_ids = [i["requestId"] for i in report["invocations"]]
        for request_id in request_ids:
            for kind in ("platform.start", "platform.runtimeDone", "platform.report"):
                matching = [e for e in events if e["type"] == kind and e["record"].get("requestId") == request_id]
                self.assertEqual(len(matching), 1, f"{kind} of {request_id}: {matching}")
        function_lines = [e["record"] for e in events if e["type"] == "function"]
        self.assertEqual(sum(1 for line in function_lines if " line " in line), 6, function_lines)


if __name__ == "__main__":
    unittest.main()
