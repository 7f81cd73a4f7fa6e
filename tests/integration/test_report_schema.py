"""Every JSON report lambda-emu writes validates against the one schema, docs/report.schema.json:
run's (a success, a function error, a killed runtime, a crash, a failed Init, a managed runtime)
and serve's (several environments; GET /lambda-emu/report while it serves, the control endpoint's
shutdown answer and --report, after that shutdown and after SIGTERM). `lambda-emu report` writes no JSON. And the
schema tells them apart: a broken report of either kind fails it, with what is wrong."""
import concurrent.futures
import copy
import json
import pathlib
import shutil
import subprocess
import tempfile
import unittest

import harness
import schema

ORDERS = harness.runtime("order-taker")
SLOW_ECHO = harness.runtime("slow-echo")
LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"
NODE_THROWS = pathlib.Path(__file__).resolve().parent / "functions" / "node-throws"


def node_runtime():
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    major = int(version.lstrip("v").split(".")[0])
    return f"nodejs{major}.x" if major in (18, 20, 22, 24) else "nodejs22.x"


class RunReports(unittest.TestCase):
    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def run_report(self, bootstrap, *args, events, code):
        name = harness.unique_name("schema")
        path = self.folder / "report.json"
        outcome = harness.run(bootstrap, *args, "--report", str(path), name=name, events=events)
        self.assertEqual(outcome.code, code, outcome)
        harness.assert_nothing_left(self, name)
        report = json.loads(path.read_text())
        self.assertEqual(schema.errors(report), [])
        self.assertEqual(report["schemaVersion"], "1.6")
        return report

    def test_a_success(self):
        report = self.run_report(ORDERS, events=[{"order": 1}], code=0)
        self.assertEqual(report["invocations"][0]["errorMessage"], None)

    def test_a_function_error_keeps_its_message(self):
        report = self.run_report(ORDERS, events=[{"order": 2, "reject": True}], code=1)
        invocation = report["invocations"][0]
        self.assertEqual((invocation["outcome"], invocation["errorType"], invocation["answerErrorType"],
                          invocation["errorMessage"]),
                         ("function-error", "Runtime.Unknown", "OrderRejected", "order 2 was rejected"))

    def test_a_runtime_killed_at_its_deadline(self):
        report = self.run_report(ORDERS, "--extension", str(LOGGER), "--env", "CLEANUP_MS=400", events=[{}], code=5)
        self.assertEqual(report["shutdowns"][-1]["processes"][0]["verdict"], "killed")

    def test_a_crash(self):
        report = self.run_report(harness.misbehaving("crashes-mid-invocation"), events=[{"signal": "SIGSEGV"}], code=4)
        self.assertEqual(report["invocations"][0]["outcome"], "runtime-exit")

    def test_a_failed_init(self):
        report = self.run_report(harness.misbehaving("init-error"), events=[{}], code=3)
        self.assertEqual(report["inits"][0]["status"], "error")

    def test_a_managed_runtime(self):
        report = self.run_report(NODE_THROWS, "--runtime", node_runtime(), events=[{"order": 7}], code=1)
        self.assertIn("client", report["function"]["runtime"])
        self.assertEqual(report["invocations"][0]["errorMessage"], "order 7 was rejected")


class ServeReports(unittest.TestCase):
    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def serve_two_environments(self, stop):
        """Two invocations at once (two environments), then `stop(serve)`; the reports it gave."""
        path = self.folder / "report.json"
        with harness.Serve(SLOW_ECHO, "--concurrency", "2", "--extension", str(LOGGER),
                           "--report", str(path)) as serve:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(lambda _: serve.invoke(json.dumps({"sleep": 0.3}).encode()), range(2)))
            self.assertEqual([status for status, _, _ in answers], [200, 200])
            status, _, body = serve.request("GET", "/lambda-emu/report")  # while it serves
            self.assertEqual(status, 200)
            self.assertEqual(schema.errors(json.loads(body)), [])
            answered = stop(serve)
            code, _, stderr = serve.stop()
        self.assertEqual(code, 0, stderr[-3000:])
        harness.assert_nothing_left(self, serve.name)
        reports = [json.loads(path.read_text())] + ([answered] if answered else [])
        for report in reports:
            self.assertEqual(schema.errors(report), [])
            self.assertEqual([e["id"] for e in report["environments"]], [1, 2])
        return reports

    def test_after_the_control_endpoints_shutdown(self):
        def shut_down(serve):
            status, _, body = serve.request("POST", "/lambda-emu/shutdown")
            self.assertEqual(status, 200, body)
            return json.loads(body)
        self.assertEqual(len(self.serve_two_environments(shut_down)), 2)

    def test_after_sigterm(self):
        self.serve_two_environments(lambda serve: None)

    def test_with_no_environment_at_all(self):
        with harness.Serve(SLOW_ECHO) as serve:
            status, _, body = serve.request("POST", "/lambda-emu/shutdown")
            serve.stop()
        self.assertEqual(status, 200)
        report = json.loads(body)
        self.assertEqual(report["environments"], [])
        self.assertEqual(schema.errors(report), [])


class TheSchemaTellsThemApart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder) / "report.json"
            outcome = harness.run(ORDERS, "--report", str(path), events=[{"order": 1}])
            assert outcome.code == 0, outcome
            cls.run_report = json.loads(path.read_text())
        cls.serve_report = {key: cls.run_report[key] for key in ("schemaVersion", "generator", "exitCode",
                                                                 "exitReason")}
        cls.serve_report["environments"] = [{"id": 1, "function": cls.run_report["function"]["name"],
                                             "report": cls.run_report}]

    def test_a_broken_run_report_says_each_thing_wrong(self):
        report = copy.deepcopy(self.run_report)
        report["shutdowns"][0]["processes"][0]["verdict"] = "fine"
        del report["function"]["arn"]
        problems = schema.errors(report)
        self.assertEqual(len(problems), 2, problems)
        self.assertTrue(any("'fine' is not one of" in problem for problem in problems), problems)
        self.assertTrue(any("'arn' is a required property" in problem for problem in problems), problems)

    def test_a_serve_report_checks_each_environments_report(self):
        self.assertEqual(schema.errors(self.serve_report), [])
        report = copy.deepcopy(self.serve_report)
        report["environments"][0]["report"]["exitCode"] = -1
        problems = schema.errors(report)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("$.environments[0].report.exitCode", problems[0])
        missing = copy.deepcopy(self.serve_report)
        del missing["environments"][0]["id"]
        self.assertEqual(len(schema.errors(missing)), 1)

    def test_an_environment_may_name_its_function(self):
        report = copy.deepcopy(self.serve_report)
        report["environments"][0]["function"] = "orders"
        self.assertEqual(schema.errors(report), [])
        report["environments"][0]["function"] = 3
        self.assertEqual(len(schema.errors(report)), 1)

    def test_neither_kind_is_neither(self):
        self.assertNotEqual(schema.errors({"schemaVersion": "1.6", "generator": "x", "exitCode": 0}), [])
        self.assertNotEqual(schema.errors(dict(self.run_report, schemaVersion="1.5")), [])


if __name__ == "__main__":
    unittest.main()
