"""Evidence at the Shutdown phase's deadline: each process's last output, the CPU its
process tree used, the sockets it held as the phase began and still held at its kill (the
emulator's own Runtime/Extensions API connections named as such), the API poll parked when it
was killed; the diagnostics built from them; and --allow-kill=idle. Asserted on the emulator's
own report, table and JUnit, with real clients: AWS's aws-lambda-ric and a Python runtime that
holds a TCP connection to a listener this test starts."""
import json
import os
import socket
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

import harness
import schema

SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())
RIC_SEED = harness.RUNTIMES / "ric-seed" / "bootstrap"
HOLDS_CONNECTION = harness.runtime("holds-connection")
SHUTDOWN_LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"
MARGIN_MS = 150  # scheduling noise on a shared machine; the logic is in the emulator's own timestamps


def run_with_reports(bootstrap, *args):
    name = harness.unique_name("evidence")
    with tempfile.TemporaryDirectory() as folder:
        json_path, junit_path = os.path.join(folder, "report.json"), os.path.join(folder, "junit.xml")
        outcome = harness.run(bootstrap, "--extension", str(SHUTDOWN_LOGGER), *args, "--report", json_path,
                              "--junit", junit_path, name=name, events=[{}])
        with open(json_path) as f:
            report = json.load(f)
        junit = ElementTree.parse(junit_path).getroot()
    return outcome, report, junit, name


def process(report, name):
    return next(p for p in report["shutdowns"][-1]["processes"] if p["name"] == name)


def table_row(stderr, name):
    """The cleanup table's header, the row of `name` and its evidence line under it."""
    lines = stderr.splitlines()
    header = next(i for i, line in enumerate(lines) if line.strip().startswith("process ") and "verdict" in line)
    at = next(i for i in range(header + 1, len(lines)) if lines[i].split() and lines[i].split()[0] == name)
    return lines[header], lines[at], lines[at + 1]


class Listener:
    """A TCP listener on 127.0.0.1 (an ephemeral port) for the runtime to connect to; the kernel
    completes the handshake from its backlog, so the runtime's end is ESTABLISHED."""

    def __enter__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(4)
        self.port = self.socket.getsockname()[1]
        return self

    def __exit__(self, *exc):
        self.socket.close()


class OfficialClientThatDoesNotExit(unittest.TestCase):
    """The seed's Node function under aws-lambda-ric: its SIGTERM handler prints "...; exiting" and
    calls process.exit(0), which waits for the client's native /next call: killed at 300 ms."""

    def setUp(self):
        client = harness.SAMPLES / "node-ric" / "node_modules" / "aws-lambda-ric" / "bin" / "index.mjs"
        self.assertTrue(client.exists(), "run scripts/setup.sh (it installs aws-lambda-ric into samples/node-ric)")
        self.flush = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False)
        self.flush.close()

    def tearDown(self):
        os.unlink(self.flush.name)

    def run_ric(self, *args):
        # ric-seed runs the checkout's seed function and aws-lambda-ric from outside its own folder,
        # which the sandbox hides (test_managed_runtime runs that client in the sandbox).
        return run_with_reports(RIC_SEED, "--sandbox", "off", "--handler", "index.handler", "--timeout", "5",
                                "--env", f"FLUSH_FILE={self.flush.name}", *args)

    def test_finished_cleanup_in_a_process_that_did_not_exit(self):
        outcome, report, junit, name = self.run_ric()
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(report["schemaVersion"], "1.6")
        self.assertEqual(outcome.code, 5, outcome)
        runtime = process(report, "runtime")
        self.assertEqual(runtime["verdict"], "killed")  # what Lambda does; the evidence says what it means
        evidence = runtime["evidence"]
        last = evidence["lastOutput"]
        self.assertIn("flushed and closed the connection", last["text"])
        self.assertTrue(last["text"].endswith("exiting"), last)
        self.assertTrue(last["afterSignal"])
        self.assertGreaterEqual(last["atMs"], 0)
        self.assertLess(last["atMs"], runtime["sigkillMs"])
        self.assertEqual(evidence["parkedCall"], "/next")
        self.assertEqual(evidence["openConnectionsAtEnd"], [])
        self.assertLessEqual(evidence["cpuAfterLastOutputMs"], 20)
        self.assertTrue(evidence["idle"])
        # Read shortly before the SIGKILL (the deadline thread sends it on time; the last look is
        # the one kTablesReadBeforeDeadline ahead, or the periodic one before it on a busy machine).
        self.assertGreaterEqual(evidence["lastLookMs"], 200)
        self.assertLessEqual(evidence["lastLookMs"], runtime["sigkillMs"])
        # Its parked /next is a connection to the emulator's Runtime API, not one of its own.
        api = [s for s in evidence["socketsAtEnd"] if s["peer"] == "runtime-api"]
        self.assertTrue(api, evidence["socketsAtEnd"])
        self.assertEqual(api[0]["remote"], report["environment"]["runtimeApi"])
        self.assertEqual(api[0]["state"], "ESTABLISHED")
        self.assertFalse([s for s in evidence["socketsAtEnd"] if s["peer"] == "function" and s["kind"] != "unix"
                          and s["state"] != "LISTEN"])
        # The extension's own look: its Extensions API connection, named as such.
        logger = process(report, "shutdown-logger")
        self.assertEqual(logger["verdict"], "graceful")
        self.assertTrue(any(s["peer"] == "extensions-api" for s in logger["evidence"]["socketsAtStart"]),
                        logger["evidence"])
        self.assertFalse(logger["evidence"]["idle"])

        diagnostic = next(d for d in report["shutdowns"][-1]["diagnostics"] if d.startswith("The runtime"))
        self.assertIn("went quiet", diagnostic)
        self.assertIn("exiting'", diagnostic)
        self.assertIn("with its /next request still open", diagnostic)
        self.assertIn("the cleanup code had finished, but the process did not exit", diagnostic)
        self.assertNotIn("cut short", diagnostic)
        self.assertIn("note: " + diagnostic, outcome.stderr)

        header, row, evidence = table_row(outcome.stderr, "runtime")
        self.assertEqual(header.split()[:2], ["process", "verdict"])  # the verdict right after the name
        self.assertEqual(row.split()[:2], ["runtime", "killed"])
        self.assertRegex(evidence, r"^    signal killed, runtime, pid \d+, last output at [\d.]+, CPU [\d.]+ ms, "
                                   r"open conns 0, parked /next$")  # no open connection of its own

        failure = next(c for c in junit.iter("testcase") if c.get("name") == "shutdown runtime").find("failure")
        self.assertIn("killed: runtime", failure.get("message"))
        self.assertIn("the cleanup code had finished, but the process did not exit", failure.get("message"))
        harness.assert_nothing_left(self, name)

    def test_allow_kill_idle_lets_it_pass(self):
        outcome, report, _, name = self.run_ric("--allow-kill=idle")
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(report["exitCode"], 0)
        self.assertEqual(process(report, "runtime")["verdict"], "killed")
        harness.assert_nothing_left(self, name)


class RuntimeHoldingAConnection(unittest.TestCase):
    def test_connection_still_open_at_the_kill_is_a_cleanup_cut_short(self):
        with Listener() as listener:
            outcome, report, junit, name = run_with_reports(HOLDS_CONNECTION, "--env", f"HOLD_PORT={listener.port}")
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(outcome.code, 5, outcome)
        runtime = process(report, "runtime")
        self.assertEqual(runtime["verdict"], "killed")
        evidence = runtime["evidence"]
        held = {"kind": "tcp", "remote": f"127.0.0.1:{listener.port}", "state": "ESTABLISHED", "peer": "function"}
        at_start = [{k: s[k] for k in held} for s in evidence["socketsAtStart"]]
        self.assertIn(held, at_start)
        self.assertEqual([{k: s[k] for k in held} for s in evidence["openConnectionsAtEnd"]], [held])
        self.assertFalse(evidence["idle"])
        self.assertEqual(evidence["lastOutput"]["text"], "SIGTERM: keeping the connection open")
        diagnostic = next(d for d in report["shutdowns"][-1]["diagnostics"] if d.startswith("The runtime"))
        self.assertIn(f"1 connection still open to 127.0.0.1:{listener.port} (ESTABLISHED)", diagnostic)
        self.assertIn("its cleanup was cut short", diagnostic)
        _, _, evidence = table_row(outcome.stderr, "runtime")
        self.assertIn(", open conns 1", evidence)
        failure = next(c for c in junit.iter("testcase") if c.get("name") == "shutdown runtime").find("failure")
        self.assertIn(f"still open to 127.0.0.1:{listener.port}", failure.get("message"))
        harness.assert_nothing_left(self, name)

    def test_allow_kill_idle_does_not_let_it_pass(self):
        with Listener() as listener:
            outcome, report, _, name = run_with_reports(HOLDS_CONNECTION, "--env", f"HOLD_PORT={listener.port}",
                                                        "--allow-kill=idle")
        self.assertEqual(outcome.code, 5, outcome)
        self.assertEqual(report["exitCode"], 5)
        # Today's --allow-kill still lets every kill pass.
        with Listener() as listener:
            outcome, _, _, name = run_with_reports(HOLDS_CONNECTION, "--env", f"HOLD_PORT={listener.port}",
                                                   "--allow-kill")
        self.assertEqual(outcome.code, 0, outcome)
        harness.assert_nothing_left(self, name)

    def test_closing_the_connection_and_exiting_is_clean(self):
        with Listener() as listener:
            # It waits 500 ms between closing and exiting: a 2 s share leaves room for that.
            outcome, report, junit, name = run_with_reports(HOLDS_CONNECTION, "--env", f"HOLD_PORT={listener.port}",
                                                            "--env", "CLOSE_ON_SIGTERM=1", "--runtime-grace", "2000")
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(outcome.code, 0, outcome)
        runtime = process(report, "runtime")
        self.assertEqual(runtime["verdict"], "graceful")
        evidence = runtime["evidence"]
        self.assertIn(f"127.0.0.1:{listener.port}", [s["remote"] for s in evidence["socketsAtStart"]])
        self.assertEqual(evidence["openConnectionsAtEnd"], [])
        self.assertFalse(evidence["idle"])
        self.assertIsNone(evidence["parkedCall"])  # noted only at a kill
        self.assertEqual(evidence["lastOutput"]["text"], "SIGTERM: connection closed; exiting")
        self.assertFalse([d for d in report["shutdowns"][-1]["diagnostics"] if d.startswith("The runtime")])
        self.assertFalse([c for c in junit.iter("testcase") if c.find("failure") is not None])
        harness.assert_nothing_left(self, name)

    def test_a_bad_allow_kill_value_is_a_usage_error(self):
        outcome = harness.run(HOLDS_CONNECTION, "--allow-kill=sometimes")
        self.assertEqual(outcome.code, 2, outcome)
        self.assertIn("--allow-kill", outcome.stderr)


if __name__ == "__main__":
    unittest.main()
