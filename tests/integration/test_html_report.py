"""The HTML report and `lambda-emu report`: a run whose runtime is killed at its deadline and
whose extension shuts down gracefully, rendered as one self-contained page opened in a real
browser (headless Chromium), with each process's evidence and last lines; a saved report
rendered again to the very table the run printed; failed Inits, with their error message.
"""
import html
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
NODE_CLIENT = harness.ROOT / "runtimes" / "nodejs" / "node_modules" / "aws-lambda-ric-3"
NODE_FUNCTION = pathlib.Path(__file__).resolve().parent / "functions" / "node-cjs"


def escaped(text):
    """Text as the report escapes it: & < > and double quotes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def evidence_rows(page):
    """The evidence under each process's row of the cleanup tables, in order."""
    return re.findall(r'<tr class="evidence-row"><td colspan="12">(.*?)</td></tr>', page, re.S)


def last_lines(row):
    """The last lines of output an evidence row shows, unescaped as a browser would."""
    found = re.search(r'<pre class="last-lines">(.*?)</pre>', row, re.S)
    return html.unescape(found.group(1)).splitlines() if found else []


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
        self.assertTrue(browser, "no chromium (scripts/setup.sh installs it)")
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

    def test_each_process_shows_the_evidence_the_terminal_printed_and_its_last_lines(self):
        page = self.html_path.read_text()
        # The terminal's second line of each process, under its row in the same words.
        printed = [line.strip() for line in cleanup_block(self.outcome.stderr).splitlines()
                   if line.startswith("    ") and ", pid " in line]
        self.assertEqual(len(printed), 2, self.outcome.stderr)
        rows = evidence_rows(page)
        self.assertEqual(len(rows), 2, page)
        for line, row in zip(printed, rows):
            self.assertIn(f'<p class="evidence-line">{escaped(line)}</p>', row)
        processes = {p["name"]: p for p in self.report["shutdowns"][-1]["processes"]}
        order = [p["name"] for p in self.report["shutdowns"][-1]["processes"]]
        runtime, extension = rows[order.index("runtime")], rows[order.index("shutdown-logger")]
        # Each fact of the looks at its process tree.
        self.assertIn("first look at ", runtime)
        self.assertIn("just before its SIGKILL", runtime)
        self.assertIn("sockets at the first look: the Runtime API at 127.0.0.1:", runtime)
        self.assertIn("killed while ", runtime)
        self.assertIn("the last before its exit", extension)
        self.assertIn("sockets at the first look: the Extensions API at 127.0.0.1:", extension)
        self.assertIn("last output at ", extension)
        # Their last lines, as the JSON report keeps them.
        for name, row in (("runtime", runtime), ("shutdown-logger", extension)):
            lines = processes[name]["evidence"]["lastLines"]
            self.assertTrue(lines, processes[name])
            self.assertEqual(last_lines(row), lines)
        self.assertIn("SIGTERM: cleaning up for 1500 ms", last_lines(runtime))
        self.assertTrue(any(line.startswith("SHUTDOWN (spindown) after 2 invocations") for line in last_lines(extension)))

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

    def test_a_failed_init_shows_its_error_message_and_the_runtimes_last_lines_escaped(self):
        name = harness.unique_name()
        with tempfile.TemporaryDirectory() as folder:
            html_path, report_path = pathlib.Path(folder) / "failed.html", pathlib.Path(folder) / "failed.json"
            done = harness.run(harness.runtime("init-error-verbose"), "--html", str(html_path), "--report",
                               str(report_path), name=name)
            page, report = html_path.read_text(), json.loads(report_path.read_text())
        self.assertEqual(done.code, 3, done)
        self.assertEqual(schema.errors(report, SCHEMA), [])
        message = 'DATABASE_URL <unset> & "required"\nset it with --env DATABASE_URL=...'
        self.assertEqual([init["errorMessage"] for init in report["inits"]], [message, message])
        diagnostics = page[page.index("<h3>Diagnostics</h3>"):page.index("<h3>Invocations</h3>")]
        self.assertIn("Init 1 (init): error, Runtime.ConfigError after ", diagnostics)
        self.assertIn("Init 2 (invoke): error, Runtime.ConfigError after ", diagnostics)
        self.assertEqual(diagnostics.count(f'<pre class="error-message">{escaped(message)}</pre>'), 2, diagnostics)
        self.assertNotIn("<unset>", page)
        # Each attempt's runtime, under its reset: its last ten lines, escaped; the first two gone.
        rows = evidence_rows(page)
        self.assertEqual(len(rows), 2, page)
        for row in rows:
            self.assertIn("exited before the phase", row)
            lines = last_lines(row)
            self.assertEqual(len(lines), 10, row)
            self.assertTrue(lines[0].startswith("init step 3 of 12"), lines)
            self.assertEqual(lines[-3:], ['reading <config path="/var/task/app.yaml"> & its secrets',
                                          "DATABASE_URL is <unset>", "giving up: 'no database' & \"no retries\""])
            self.assertIn(escaped('reading <config path="/var/task/app.yaml"> & its secrets'), row)
        # On the terminal the error is said once an attempt, and the retry's same output is not shown again.
        self.assertEqual(done.stderr.count("giving up: 'no database'"), 1, done.stderr)
        self.assertEqual(done.stderr.count("init step 1 of 12"), 1, done.stderr)
        self.assertIn("the runtime printed the same 12 lines as in the failed Init before (not shown again)",
                      done.stderr)
        self.assertIn('(error, Runtime.ConfigError: DATABASE_URL <unset> & "required"): the next invocation',
                      done.stderr)
        harness.assert_nothing_left(self, name)

    def test_a_nodejs_handler_that_does_not_exist_shows_the_clients_error_once(self):
        self.assertTrue(NODE_CLIENT.exists(), "no aws-lambda-ric (scripts/setup.sh installs it)")
        major = int(subprocess.run(["node", "--version"], capture_output=True, text=True, check=True)
                    .stdout.strip().lstrip("v").split(".")[0])
        runtime = f"nodejs{major}.x" if major in (18, 20, 22) else "nodejs22.x"
        name = harness.unique_name()
        with tempfile.TemporaryDirectory() as folder:
            html_path = pathlib.Path(folder) / "node.html"
            done = harness.run(NODE_FUNCTION, "--runtime", runtime, "--handler", "nothere.handler", "--html",
                               str(html_path), name=name)
            page = html_path.read_text()
        self.assertEqual(done.code, 3, done)
        diagnostics = page[page.index("<h3>Diagnostics</h3>"):page.index("<h3>Invocations</h3>")]
        self.assertIn("Init 1 (init): error, Runtime.ImportModuleError after ", diagnostics)
        self.assertIn("<pre class=\"error-message\">Error: Cannot find module 'nothere'\nRequire stack:", diagnostics)
        self.assertIn("Uncaught Exception", last_lines(evidence_rows(page)[0])[-1])
        # The client's error, stack and all, once on the terminal; the emulator's line names it.
        self.assertEqual(done.stderr.count("Uncaught Exception"), 1, done.stderr)
        self.assertIn("(error, Runtime.ImportModuleError: Error: Cannot find module 'nothere')", done.stderr)
        harness.assert_nothing_left(self, name)

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
