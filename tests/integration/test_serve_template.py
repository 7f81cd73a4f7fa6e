"""`serve --template T` without a logical ID serves every function of the template at once, each
with its own environments, by FunctionName and by logical ID; the control endpoint shuts one
function down (it goes on serving, cold) or all; the report names each environment's function."""
import json
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse
import uuid

import harness

SIGTERM_AWARE = harness.SAMPLES / "sigterm-aware-runtime"
PYTHON_RUNTIME = harness.SAMPLES / "python-runtime"
SHUTDOWN_LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"


def write_template(folder, cleaner_name, adder_id):
    """Two functions: one named by FunctionName (a SIGTERM cleanup), one by its logical ID."""
    shutil.copytree(SIGTERM_AWARE, folder / "cleaner")
    shutil.copytree(PYTHON_RUNTIME, folder / "adder")
    template = folder / "template.yaml"
    template.write_text(f"""AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: provided.al2023
    Handler: function.handler
    Timeout: 5
Resources:
  CleanerFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: {cleaner_name}
      CodeUri: cleaner/
      MemorySize: 256
      Environment:
        Variables:
          CLEANUP_MS: "40"
  {adder_id}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: adder/
  Bucket:
    Type: AWS::S3::Bucket
""")
    return template


class ServeTemplate:
    """serve --template T (no logical ID) on an ephemeral port; always stopped."""

    def __init__(self, template, *args):
        self.process = subprocess.Popen([harness.EMULATOR, "serve", "--template", str(template), "--listen",
                                         "127.0.0.1:0", "--extension", str(SHUTDOWN_LOGGER), *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        self.seen = harness.wait_for_stderr_line(self.process, "serving ")
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)", self.seen).group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None):
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def invoke(self, name, payload):
        return self.request("POST", f"/2015-03-31/functions/{urllib.parse.quote(name, safe='')}/invocations",
                            json.dumps(payload).encode())

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            out, err = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return self.process.returncode, out, self.seen + err


class TwoFunctions(unittest.TestCase):
    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.cleaner = harness.unique_name("cleaner")
        self.adder = "Adder" + uuid.uuid4().hex[:10]
        self.template = write_template(self.folder, self.cleaner, self.adder)
        self.serve = ServeTemplate(self.template)
        self.addCleanup(harness.kill_leftovers, self.cleaner)
        self.addCleanup(harness.kill_leftovers, self.adder)
        self.addCleanup(self.serve.stop)

    def test_both_functions_are_served_at_once_each_with_its_own_environment(self):
        self.assertIn("serving 2 functions", self.serve.seen)
        self.assertIn(f"{self.cleaner} (CleanerFunction)", self.serve.seen)
        status, _, body = self.serve.invoke(self.cleaner, {"n": 1})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {"event": {"n": 1}})
        # By logical ID (its FunctionName) and, for the first, by its logical ID too.
        status, _, body = self.serve.invoke(self.adder, {"numbers": [2, 3]})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["sum"], 5)
        status, _, body = self.serve.invoke("CleanerFunction", {"n": 2})
        self.assertEqual(status, 200, body)
        # `function` names nobody when two are served.
        status, headers, _ = self.serve.invoke("function", {})
        self.assertEqual(status, 404)
        self.assertEqual(headers["x-amzn-errortype"], "ResourceNotFoundException")
        # Each function's own settings reach its runtime: the cleaner's memory is the template's.
        status, _, body = self.serve.request("GET", "/lambda-emu/health")
        health = json.loads(body)
        self.assertEqual(health["environments"], 2)
        self.assertEqual({f["name"] for f in health["functions"]}, {self.cleaner, self.adder})

        # All shut down: each environment's report names its function; the cleaner got SIGTERM.
        status, _, body = self.serve.request("POST", "/lambda-emu/shutdown")
        self.assertEqual(status, 200, body)
        report = json.loads(body)
        by_function = {e["function"]: e for e in report["environments"]}
        self.assertEqual(set(by_function), {self.cleaner, self.adder})
        cleaner = by_function[self.cleaner]["report"]
        self.assertEqual(cleaner["function"]["memorySizeMB"], 256)
        self.assertEqual(len(cleaner["invocations"]), 2)
        runtime = [p for p in cleaner["shutdowns"][0]["processes"] if p["kind"] == "runtime"][0]
        self.assertEqual(runtime["verdict"], "graceful")
        self.assertEqual(by_function[self.adder]["report"]["function"]["name"], self.adder)
        code, _, stderr = self.serve.stop()
        self.assertEqual(code, 0, stderr)
        harness.assert_nothing_left(self, self.cleaner)
        harness.assert_nothing_left(self, self.adder)

    def test_one_function_shut_down_goes_on_serving_cold_while_the_other_stays_warm(self):
        self.assertEqual(self.serve.invoke(self.cleaner, {})[0], 200)
        self.assertEqual(self.serve.invoke(self.adder, {"numbers": [1]})[0], 200)
        status, _, body = self.serve.request("POST", f"/lambda-emu/shutdown?function={self.cleaner}")
        self.assertEqual(status, 200, body)
        report = json.loads(body)
        cleaner = [e for e in report["environments"] if e["function"] == self.cleaner]
        self.assertEqual(len(cleaner[0]["report"]["shutdowns"]), 1)
        self.assertEqual(cleaner[0]["report"]["shutdowns"][0]["reason"], "spindown")
        adder = [e for e in report["environments"] if e["function"] == self.adder]
        self.assertEqual(adder[0]["report"]["shutdowns"], [])
        # The cleaner is still served: a new environment, a cold start.
        self.assertEqual(self.serve.invoke(self.cleaner, {})[0], 200)
        health = json.loads(self.serve.request("GET", "/lambda-emu/health")[2])
        self.assertEqual(health["status"], "ready")
        self.assertEqual(health["environments"], 2)
        # An environment number alone is ambiguous; an unknown function is named back.
        status, _, body = self.serve.request("POST", "/lambda-emu/shutdown?environment=1")
        self.assertEqual(status, 404)
        self.assertIn("name its function too", json.loads(body)["message"])
        status, _, body = self.serve.request("POST", "/lambda-emu/shutdown?function=Nobody")
        self.assertEqual(status, 404)
        self.assertIn("no function Nobody is served", json.loads(body)["message"])
        status, _, body = self.serve.request("POST", f"/lambda-emu/shutdown?function={self.adder}&environment=1")
        self.assertEqual(status, 200, body)
        code, _, stderr = self.serve.stop()
        self.assertEqual(code, 0, stderr)
        report_envs = [e for e in json.loads(body)["environments"] if e["function"] == self.cleaner]
        self.assertEqual([e["id"] for e in report_envs], [1, 2])


class Refusals(unittest.TestCase):
    def test_an_option_that_names_one_function_is_refused_with_several(self):
        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        template = write_template(folder, harness.unique_name("cleaner"), "AdderFn")
        done = subprocess.run([harness.EMULATOR, "serve", "--template", str(template), "--function-name", "x"],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("--function-name names one function", done.stderr)
        self.assertIn(f"serve --template {template} CleanerFunction", done.stderr)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)

    def test_serve_without_a_function_or_template_says_what_it_needs(self):
        done = subprocess.run([harness.EMULATOR, "serve"], capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("serve needs the function", done.stderr)

    def test_a_template_without_functions_is_one_line(self):
        folder = pathlib.Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        (folder / "template.yaml").write_text("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")
        done = subprocess.run([harness.EMULATOR, "serve", "--template", str(folder / "template.yaml")],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("no AWS::Serverless::Function", done.stderr)


if __name__ == "__main__":
    unittest.main()
