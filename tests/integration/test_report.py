"""The JSON report validates against its documented schema (docs/report.schema.json) and agrees
with what happened; the JUnit report lists every invocation and every process's cleanup."""
import json
import os
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

import harness
import schema

SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())
RUNTIME = harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap"
EXTENSIONS = harness.SAMPLES / "extensions"


def run_with_reports(bootstrap, *args, events):
    with tempfile.TemporaryDirectory() as folder:
        json_path, junit_path = os.path.join(folder, "report.json"), os.path.join(folder, "junit.xml")
        outcome = harness.run(bootstrap, *args, "--report", json_path, "--junit", junit_path, events=events)
        with open(json_path) as f:
            report = json.load(f)
        junit = ElementTree.parse(junit_path).getroot()
    return outcome, report, junit


class Reports(unittest.TestCase):
    def test_a_rich_run_validates_and_tells_the_truth(self):
        outcome, report, junit = run_with_reports(
            RUNTIME, "--env", "CLEANUP_MS=400", "--extension", str(EXTENSIONS / "shutdown-logger"),
            "--extension", str(EXTENSIONS / "invoke-only"), events=[{"n": 1}, {"n": 2}])
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(report["exitCode"], outcome.code)
        self.assertEqual(report["exitCode"], 5)
        self.assertEqual([i["requestId"] for i in report["invocations"]], [r["requestId"] for r in outcome.results])
        self.assertIsNotNone(report["invocations"][0]["initDurationMs"])
        self.assertIsNone(report["invocations"][1]["initDurationMs"])
        self.assertEqual({e["name"] for e in report["environment"]["extensions"]}, {"shutdown-logger", "invoke-only"})
        verdicts = {p["name"]: p["verdict"] for p in report["shutdowns"][-1]["processes"]}
        self.assertEqual(verdicts, {"runtime": "killed", "shutdown-logger": "graceful", "invoke-only": "not-signalled"})

        suite = junit.find("testsuite")
        cases = suite.findall("testcase")
        self.assertEqual(int(suite.get("tests")), len(cases))
        self.assertEqual(len(cases), 1 + 2 + 3)  # Init, two invocations, three processes
        failed = [case.get("name") for case in cases if case.find("failure") is not None]
        self.assertEqual(failed, ["shutdown runtime"])
        self.assertEqual(int(suite.get("failures")), 1)

    def test_failures_and_resets_validate_too(self):
        outcome, report, junit = run_with_reports(
            harness.misbehaving("sleeps-past-timeout"), "--timeout", "1",
            events=[{"sleep": 30}, {"sleep": 0}])
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(report["exitCode"], 4)
        self.assertEqual([i["outcome"] for i in report["invocations"]], ["timeout", "success"])
        self.assertEqual([(s["reason"], s["final"]) for s in report["shutdowns"]], [("timeout", False), ("spindown", True)])
        self.assertEqual([i["phase"] for i in report["inits"]], ["init", "invoke"])
        failed = [c for c in junit.iter("testcase") if c.find("failure") is not None]
        self.assertEqual(len(failed), 1)
        self.assertIn("timeout: Sandbox.Timedout", failed[0].find("failure").get("message"))

    def test_the_validator_catches_a_broken_report(self):
        _, report, _ = run_with_reports(RUNTIME, events=[{}])
        report["shutdowns"][0]["processes"][0]["verdict"] = "fine"
        del report["function"]["arn"]
        problems = schema.errors(report, SCHEMA)
        self.assertEqual(len(problems), 2, problems)

    def test_report_is_written_when_interrupted(self):
        import signal
        name = harness.unique_name()
        with tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            event = os.path.join(folder, "event.json")
            with open(event, "w") as f:
                json.dump({"sleep": 60}, f)
            emulator = harness.start(harness.misbehaving("sleeps-past-timeout"),
                                     "--timeout", "120", "--event", event, "--report", report_path, name=name)
            harness.wait_for_stderr_line(emulator, "sleeping 60 s")
            emulator.send_signal(signal.SIGINT)
            emulator.communicate(timeout=30)
            with open(report_path) as f:
                report = json.load(f)
        self.assertEqual(schema.errors(report, SCHEMA), [])
        self.assertEqual(report["exitCode"], 130)
        self.assertEqual(report["invocations"][0]["outcome"], "interrupted")
        harness.assert_nothing_left(self, name)

    def test_unwritable_report_path_is_an_error_after_the_run(self):
        outcome = harness.run(RUNTIME, "--report", "/nonexistent/dir/report.json")
        self.assertEqual(outcome.code, 6, outcome)
        self.assertIn("cannot write the JSON report to /nonexistent/dir/report.json", outcome.stderr)
        self.assertEqual(len(outcome.results), 1, "the invocation still ran and its result was printed")


if __name__ == "__main__":
    unittest.main()
