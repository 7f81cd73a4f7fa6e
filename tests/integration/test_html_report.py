"""The HTML report and `lambda-emu report`: a run whose runtime is killed at its deadline and
whose extension shuts down gracefully, rendered as one self-contained page opened in a real
browser (headless Chromium), and a saved report rendered again to the very table the run printed.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

import harness
import schema

SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())
RUNTIME = harness.SAMPLES / "sigterm-aware-runtime" / "bootstrap"
EXTENSION = harness.SAMPLES / "extensions" / "shutdown-logger"
# Screenshots for people to look at go beside the binary under test (the build folder).
ARTIFACTS = pathlib.Path(harness.EMULATOR).resolve().parent / "test-artifacts"


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def cleanup_block(stderr):
    """The cleanup tables and timelines the run printed: from each `Shutdown (` line to the last
    indented line after it."""
    lines, keep = [], False
    for line in stderr.splitlines():
        if line.startswith("Shutdown ("):
            keep = True
        elif not line.startswith("  "):
            keep = False
        if keep:
            lines.append(line)
    return "\n".join(lines) + "\n"


class HtmlReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        folder = pathlib.Path(cls.folder.name)
        cls.report_path = folder / "report.json"
        cls.html_path = folder / "report.html"
        cls.outcome = harness.run(RUNTIME, "--extension", str(EXTENSION), "--env", "CLEANUP_MS=1500", "--allow-kill",
                              "--report", str(cls.report_path), "--html", str(cls.html_path), events=[{}, {}])
        cls.report = json.loads(cls.report_path.read_text())

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def test_the_run_killed_the_runtime_and_let_the_extension_finish(self):
        self.assertEqual(self.outcome.code, 0, self.outcome)
        self.assertEqual(schema.errors(self.report, SCHEMA), [])
        processes = {p["name"]: p for p in self.report["shutdowns"][-1]["processes"]}
        self.assertEqual(processes["runtime"]["verdict"], "killed")
        self.assertEqual(processes["shutdown-logger"]["verdict"], "graceful")
        self.assertEqual(len(self.report["inits"]), 1)
        self.assertTrue(all("startedAtEpochMs" in i for i in self.report["invocations"] + self.report["inits"]))

    def test_page_is_self_contained(self):
        html = self.html_path.read_text()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertNotIn("<script", html)
        self.assertNotIn("<link", html)
        self.assertIsNone(re.search(r"(src|href)=\"(https?:)?//", html), "the page must fetch nothing")
        self.assertIn("<svg", html)

    def test_opened_in_a_browser_one_row_per_process_and_the_kill_mark(self):
        browser = chromium()
        if not browser:
            self.skipTest("no chromium (scripts/setup.sh installs it)")
        with tempfile.TemporaryDirectory() as profile:
            common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      f"--user-data-dir={profile}", "--disable-dev-shm-usage"]
            dom = subprocess.run(common + ["--dump-dom", self.html_path.as_uri()], capture_output=True, text=True,
                                 timeout=120)
            self.assertEqual(dom.returncode, 0, dom.stderr)
            ARTIFACTS.mkdir(exist_ok=True)
            screenshot = ARTIFACTS / "timeline.png"
            screenshot.unlink(missing_ok=True)
            shot = subprocess.run(common + ["--hide-scrollbars", "--window-size=1100,1500",
                                            f"--screenshot={screenshot}", self.html_path.as_uri()],
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual(shot.returncode, 0, shot.stderr)
            self.assertGreater(screenshot.stat().st_size, 10_000)
        # Parse what the browser built, not what the emulator wrote.
        lifecycle = re.search(r"<svg class=\"lifecycle\".*?</svg>", dom.stdout, re.S)
        self.assertIsNotNone(lifecycle, dom.stdout[:2000])
        rows = re.findall(r"<g class=\"timeline-row\" data-process=\"([^\"]+)\"", lifecycle.group(0))
        self.assertEqual(rows, ["runtime", "shutdown-logger"])
        runtime_row = re.search(r"data-process=\"runtime\".*?(?=<g class=\"timeline-row\"|</svg>)",
                                lifecycle.group(0), re.S).group(0)
        self.assertIn("mark mark-sigkill", runtime_row)
        self.assertIn("mark mark-sigterm", runtime_row)
        extension_row = lifecycle.group(0)[lifecycle.group(0).index('data-process="shutdown-logger"'):]
        self.assertIn("mark mark-shutdown", extension_row)
        self.assertIn("mark-exit verdict-graceful", extension_row)
        self.assertNotIn("mark-sigkill", extension_row)
        # Init and both invocations on the runtime's row; the Shutdown phase drawn again to scale.
        self.assertEqual(runtime_row.count("span invocation"), 2)
        self.assertIn("span init", runtime_row)
        self.assertIn("<svg class=\"shutdown-phase\"", dom.stdout)
        self.assertIn("was killed", dom.stdout)  # the diagnostic
        self.assertEqual(dom.stdout.count("<tr class=\"outcome-success\">"), 2)  # the invocations table

    def test_report_renders_the_table_the_run_printed(self):
        printed = cleanup_block(self.outcome.stderr)
        self.assertIn("killed", printed)
        self.assertIn("timeline", printed)
        again = subprocess.run([harness.EMULATOR, "report", str(self.report_path), "--table"], capture_output=True,
                               text=True, timeout=60)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(again.stdout, printed)

    def test_report_writes_html_and_junit_from_a_saved_report(self):
        with tempfile.TemporaryDirectory() as folder:
            html = pathlib.Path(folder) / "again.html"
            junit = pathlib.Path(folder) / "again.xml"
            done = subprocess.run([harness.EMULATOR, "report", str(self.report_path), "--html", str(html),
                                   "--junit", str(junit)], capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout, "")
            self.assertEqual(html.read_text(), self.html_path.read_text())
            suite = ElementTree.parse(junit).getroot()
            cases = suite.iter("testcase")
            failures = [case.get("name") for case in cases if case.find("failure") is not None]
            self.assertTrue(any("runtime" in name for name in failures), failures)

    def test_report_refuses_what_is_not_a_report(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as bad:
            bad.write('{"schemaVersion": "1.2", "exitCode": 0}')
            bad.flush()
            done = subprocess.run([harness.EMULATOR, "report", bad.name], capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 2)
            self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)
            self.assertIn("not a lambda-emu report", done.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as bad:
            bad.write("not json")
            bad.flush()
            done = subprocess.run([harness.EMULATOR, "report", bad.name], capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 2)
            self.assertIn("is not JSON", done.stderr)

    def test_a_failed_init_is_in_the_diagnostics_and_a_short_axis_has_decimals(self):
        with tempfile.TemporaryDirectory() as folder:
            html_path = pathlib.Path(folder) / "failed.html"
            done = harness.run(harness.misbehaving("exits-during-init"), "--html", str(html_path))
            self.assertEqual(done.code, 3, done)
            page = html_path.read_text()
        diagnostics = page[page.index("<h3>Diagnostics</h3>"):page.index("<h3>Invocations</h3>")]
        self.assertIn("Init 1 (init): error, Runtime.ExitError", diagnostics)
        self.assertNotIn("None.", diagnostics)
        # Tick labels are distinct numbers: a span of a few ms reads 0.0 0.5 1.0, not 0 0 1.
        labels = re.findall(r'class="tick-label"[^>]*>([^<]+)<', page)
        self.assertGreater(len(labels), 3)
        for axis_start in (i for i, label in enumerate(labels) if label in ("0", "0.0", "0.00")):
            following = labels[axis_start:axis_start + 4]
            self.assertEqual(len(set(following)), len(following), labels)

    def test_serve_writes_html_with_a_section_per_environment(self):
        with tempfile.TemporaryDirectory() as folder:
            html = pathlib.Path(folder) / "serve.html"
            with harness.Serve(harness.SAMPLES / "bash-runtime" / "bootstrap", "--html", str(html)) as serve:
                status, _, _ = serve.invoke(b"{}")
                self.assertEqual(status, 200)
                code, _, stderr = serve.stop()
            self.assertEqual(code, 0, stderr)
            page = html.read_text()
            self.assertIn("<h2>Environment 1</h2>", page)
            self.assertEqual(page.count("<svg class=\"lifecycle\""), 1)


if __name__ == "__main__":
    unittest.main()
