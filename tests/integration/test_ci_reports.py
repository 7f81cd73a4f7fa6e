"""What CI reads of a run: JUnit whose test names are the same from one run to the next (run and
serve, and `report --junit` from the saved JSON report), with failures that say why and what the
process printed last, in the shape CI tools read; and the Markdown summary (--summary) for a CI
job's summary page, from run, serve and `report`."""
import json
import os
import pathlib
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

import harness

RUNTIME = harness.runtime("order-taker")
LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"
# A cleanup of 400 ms against the runtime's 300 ms share: the runtime is killed at its deadline.
SLOW_CLEANUP = ("--extension", str(LOGGER), "--env", "CLEANUP_MS=400")
EXPECTED_RUN_CASES = ["init", "invoke 1 (event.json)", "invoke 2 (reject.json)", "shutdown runtime",
                      "shutdown extension shutdown-logger"]


def junit_shape_problems(root):
    """What breaks the JUnit shape CI tools read (Jenkins, GitLab, GitHub's test reporters):
    <testsuites> of <testsuite> of <testcase>, counts that add up, every failure with a message,
    a type and a body, and no two tests with the same classname and name."""
    problems = []
    number = lambda element, name: float(element.get(name, "nan"))
    if root.tag != "testsuites":
        return [f"root is <{root.tag}>"]
    seen = set()
    totals = {"tests": 0, "failures": 0}
    for suite in root:
        if suite.tag != "testsuite":
            problems.append(f"<{suite.tag}> in <testsuites>")
            continue
        cases = list(suite)
        for attribute in ("name", "tests", "failures", "errors", "time"):
            if suite.get(attribute) is None:
                problems.append(f"testsuite without {attribute}")
        failed = 0
        for case in cases:
            if case.tag != "testcase":
                problems.append(f"<{case.tag}> in <testsuite>")
                continue
            key = (case.get("classname"), case.get("name"))
            if None in key or key in seen:
                problems.append(f"testcase {key} unnamed or named twice")
            seen.add(key)
            if not number(case, "time") >= 0:
                problems.append(f"testcase {key} has no time")
            for child in case:
                if child.tag not in ("failure", "error", "skipped", "system-out", "system-err"):
                    problems.append(f"<{child.tag}> in testcase {key}")
                if child.tag == "failure":
                    failed += 1
                    if not child.get("message") or not child.get("type") or not (child.text or "").strip():
                        problems.append(f"failure of {key} without a message, a type or a body")
        if int(suite.get("tests", -1)) != len(cases) or int(suite.get("failures", -1)) != failed:
            problems.append(f"testsuite {suite.get('name')} counts {suite.get('tests')}/{suite.get('failures')}, "
                            f"has {len(cases)}/{failed}")
        totals["tests"] += len(cases)
        totals["failures"] += failed
    for attribute, total in totals.items():
        if root.get(attribute) is not None and int(root.get(attribute)) != total:
            problems.append(f"testsuites {attribute}={root.get(attribute)}, the suites add up to {total}")
    return problems


def cases(root):
    return [(case.get("classname"), case.get("name")) for case in root.iter("testcase")]


def failures(root):
    return {case.get("name"): case.find("failure") for case in root.iter("testcase") if case.find("failure") is not None}


def write_events(folder):
    folder.mkdir()
    (folder / "event.json").write_text(json.dumps({"order": 1}))
    (folder / "reject.json").write_text(json.dumps({"order": 2, "reject": True}))
    return [str(folder / "event.json"), str(folder / "reject.json")]


def report_again(report_path, *options):
    return subprocess.run([harness.EMULATOR, "report", str(report_path), *options], capture_output=True, text=True,
                          timeout=60)


class Reports:
    """Where one run's reports are written."""

    def __init__(self, folder, tag):
        self.json, self.junit, self.summary = (folder / f"{tag}.json", folder / f"{tag}.xml", folder / f"{tag}.md")

    def options(self):
        return ["--report", str(self.json), "--junit", str(self.junit), "--summary", str(self.summary)]


class RunAndServeJunit(unittest.TestCase):
    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(subprocess.run, ["rm", "-rf", str(self.folder)])

    def run_once(self, name, tag):
        """`run` of two events (the second rejected) from a folder of its own, so their paths differ."""
        reports = Reports(self.folder, tag)
        events = write_events(self.folder / f"events-{tag}")
        arguments = [a for event in events for a in ("--event", event)]
        outcome = harness.run(RUNTIME, *SLOW_CLEANUP, *arguments, *reports.options(), name=name)
        self.assertEqual(outcome.code, 5, outcome)  # the kill decides the code
        harness.assert_nothing_left(self, name)
        return reports

    def serve_once(self, name, tag):
        reports = Reports(self.folder, tag)
        with harness.Serve(RUNTIME, *SLOW_CLEANUP, *reports.options(), name=name) as serve:
            self.assertEqual(serve.invoke(json.dumps({"order": 1}).encode())[0], 200)
            status, headers, _ = serve.invoke(json.dumps({"order": 2, "reject": True}).encode())
            self.assertEqual((status, headers.get("x-amz-function-error")), (200, "Unhandled"))
            self.assertEqual(serve.request("POST", "/lambda-emu/shutdown")[0], 200)
            code = serve.process.wait(timeout=60)  # it ends by itself once every environment is down
            _, _, stderr = serve.stop()
        self.assertEqual(code, 5, stderr[-3000:])
        harness.assert_nothing_left(self, name)
        return reports

    def check_failures(self, junit):
        failed = failures(junit)
        self.assertEqual(sorted(failed), sorted([n for n in failed if n.startswith("invoke 2")] + ["shutdown runtime"]))
        invocation = next(failure for n, failure in failed.items() if n.startswith("invoke 2"))
        self.assertEqual(invocation.get("type"), "function-error")
        self.assertEqual(invocation.get("message"), "function-error: OrderRejected: order 2 was rejected")
        self.assertIn("The function returned an error.", invocation.text)
        self.assertIn("errorMessage: order 2 was rejected", invocation.text)
        self.assertIn("Last lines of runtime:\n  handling order 1\n  handling order 2\n", invocation.text)
        killed = failed["shutdown runtime"]
        self.assertEqual(killed.get("type"), "killed")
        self.assertTrue(killed.get("message").startswith("killed: runtime"), killed.get("message"))
        self.assertIn("deadline 300.0 ms", killed.text)
        self.assertIn("  SIGTERM: flushing orders for 400 ms\n", killed.text)
        graceful = next(c for c in junit.iter("testcase") if c.get("name") == "shutdown extension shutdown-logger")
        self.assertIsNone(graceful.find("failure"))

    def test_run_twice_names_the_same_tests_and_report_junit_names_them_too(self):
        name = harness.unique_name("ci")
        first, second = self.run_once(name, "first"), self.run_once(name, "second")
        junits = [ElementTree.parse(reports.junit).getroot() for reports in (first, second)]
        for junit in junits:
            self.assertEqual(junit_shape_problems(junit), [])
            self.check_failures(junit)
        self.assertEqual(cases(junits[0]), cases(junits[1]))
        self.assertEqual(cases(junits[0]), [(f"lambda-emu.{name}.environment-1", n) for n in EXPECTED_RUN_CASES])
        self.assertEqual([s.get("name") for s in junits[0]], [f"lambda-emu.{name}.environment-1"])

        again = self.folder / "again.xml"
        done = report_again(first.json, "--junit", str(again))
        self.assertEqual(done.returncode, 0, done.stderr)
        rendered = ElementTree.parse(again).getroot()
        self.assertEqual(junit_shape_problems(rendered), [])
        self.assertEqual(cases(rendered), cases(junits[0]))
        self.assertEqual({n: (f.get("type"), f.get("message"), f.text) for n, f in failures(rendered).items()},
                         {n: (f.get("type"), f.get("message"), f.text) for n, f in failures(junits[0]).items()})

    def test_serve_twice_names_the_same_tests_and_report_junit_names_them_too(self):
        name = harness.unique_name("ci")
        first, second = self.serve_once(name, "first"), self.serve_once(name, "second")
        junits = [ElementTree.parse(reports.junit).getroot() for reports in (first, second)]
        for junit in junits:
            self.assertEqual(junit_shape_problems(junit), [])
            self.check_failures(junit)
        self.assertEqual(cases(junits[0]), cases(junits[1]))
        self.assertEqual([n for _, n in cases(junits[0])],
                         ["init", "invoke 1 (RequestResponse)", "invoke 2 (RequestResponse)", "shutdown runtime",
                          "shutdown extension shutdown-logger"])
        self.assertEqual({c for c, _ in cases(junits[0])}, {f"lambda-emu.{name}.environment-1"})

        again = self.folder / "again.xml"
        done = report_again(first.json, "--junit", str(again))
        self.assertEqual(done.returncode, 0, done.stderr)
        rendered = ElementTree.parse(again).getroot()
        self.assertEqual(cases(rendered), cases(junits[0]))
        self.assertEqual({n: f.text for n, f in failures(rendered).items()},
                         {n: f.text for n, f in failures(junits[0]).items()})


class MarkdownSummary(unittest.TestCase):
    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(subprocess.run, ["rm", "-rf", str(self.folder)])

    def check_summary(self, text, name):
        lines = text.splitlines()
        self.assertEqual(lines[0], "## lambda-emu: failed, exit code 5")
        self.assertLessEqual(len(lines), 40, text)
        self.assertIn(f"**{name}**: 1 environment, 1 Init, 2 invocations: 1 done, 1 failed", text)
        self.assertIn("| environment | process | verdict | cleanup | deadline |", text)
        self.assertRegex(text, r"\| 1 \| runtime \| \*\*killed\*\* \| 3\d\d\.\d ms \| 300 ms \|")
        self.assertRegex(text, r"\| 1 \| extension shutdown-logger \| graceful \| [\d.]+ ms \| 2000 ms \|")
        self.assertRegex(text, r"- \*\*invoke 2 \(\S+\)\*\* \(environment 1\): function-error: OrderRejected: "
                               r"order 2 was rejected")
        self.assertIn("- **shutdown runtime** (environment 1): killed: runtime", text)

    def test_run_writes_the_summary_and_report_writes_the_same(self):
        name = harness.unique_name("ci")
        reports = Reports(self.folder, "run")
        events = write_events(self.folder / "events")
        outcome = harness.run(RUNTIME, *SLOW_CLEANUP, "--event", events[0], "--event", events[1], *reports.options(),
                              name=name)
        self.assertEqual(outcome.code, 5, outcome)
        self.assertIn(f"Markdown summary written to {reports.summary}", outcome.stderr)
        text = reports.summary.read_text()
        self.check_summary(text, name)
        self.assertIn("runtime killed at its 300 ms deadline", text.splitlines()[2])

        again = self.folder / "again.md"
        done = report_again(reports.json, "--summary", str(again))
        self.assertEqual((done.returncode, done.stdout), (0, ""), done.stderr)
        self.assertEqual(again.read_text(), text)
        harness.assert_nothing_left(self, name)

    def test_serve_writes_the_summary(self):
        reports = Reports(self.folder, "serve")
        with harness.Serve(RUNTIME, *SLOW_CLEANUP, *reports.options()) as serve:
            serve.invoke(json.dumps({"order": 1}).encode())
            serve.invoke(json.dumps({"order": 2, "reject": True}).encode())
            code, _, stderr = serve.stop()
        self.assertEqual(code, 5, stderr[-3000:])
        self.check_summary(reports.summary.read_text(), serve.name)
        done = report_again(reports.json, "--summary", str(self.folder / "again.md"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual((self.folder / "again.md").read_text(), reports.summary.read_text())
        harness.assert_nothing_left(self, serve.name)

    def test_a_summary_that_cannot_be_written_is_one_line_and_exit_code_6(self):
        outcome = harness.run(RUNTIME, "--summary", "/nonexistent/dir/summary.md", events=[{"order": 1}])
        self.assertEqual(outcome.code, 6, outcome)
        self.assertEqual(outcome.lines("[lambda-emu] error"),
                         ["[lambda-emu] error: cannot write the Markdown summary to /nonexistent/dir/summary.md"])
        self.assertEqual(len(outcome.results), 1, "the invocation still ran")
        done = subprocess.run([harness.EMULATOR, "report", "/dev/null", "--summary", "/nonexistent/x.md"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)  # /dev/null is no report: refused before anything is written


if __name__ == "__main__":
    unittest.main()
