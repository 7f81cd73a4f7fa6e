"""`--template template.yaml LOGICAL_ID`: a function's settings from its SAM template (Globals
under the function's own, parameters' defaults), the command line overriding them, and one clear
line (exit 2) for what cannot be known locally."""
import json
import os
import pathlib
import subprocess
import tempfile
import textwrap
import unittest

import harness

# A provided.al2023 runtime that answers with what Lambda told it.
BOOTSTRAP = textwrap.dedent('''\
    #!/usr/bin/env python3
    import http.client, json, os
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    keys = ["_HANDLER", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_FORMAT",
            "SHARED", "OVERRIDDEN", "STAGE", "FROM_CLI"]
    while True:
        c = http.client.HTTPConnection(host, int(port))
        c.request("GET", "/2018-06-01/runtime/invocation/next")
        r = c.getresponse(); r.read()
        rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
        deadline = int(r.getheader("Lambda-Runtime-Deadline-Ms"))
        body = json.dumps({"env": {k: os.environ.get(k) for k in keys}, "deadline": deadline})
        c.request("POST", f"/2018-06-01/runtime/invocation/{rid}/response", body=body)
        c.getresponse().read()
''')

TEMPLATE = textwrap.dedent('''\
    AWSTemplateFormatVersion: '2010-09-09'
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      Stage:
        Type: String
        Default: staging
      ApiKey:
        Type: String
    Globals:
      Function:
        Runtime: provided.al2023
        Timeout: 9
        MemorySize: 256
        LoggingConfig:
          LogFormat: JSON
        Environment:
          Variables:
            SHARED: from-globals
            OVERRIDDEN: from-globals
    Resources:
      Deps:
        Type: AWS::Serverless::LayerVersion
        Properties:
          ContentUri: layers/deps
      Orders:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: orders.handle
          MemorySize: 512
          Environment:
            Variables:
              OVERRIDDEN: from-function
              STAGE: !Ref Stage
      Keyed:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: keyed.handle
          Environment:
            Variables:
              API_KEY: !Ref ApiKey
      Layered:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: layered.handle
          EphemeralStorage:
            Size: 600
          Layers:
            - !Ref Deps
      Managed:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: node/
          Handler: app.handler
          Runtime: nodejs20.x
''')


class Template(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        root = pathlib.Path(cls.folder.name)
        (root / "src").mkdir()
        (root / "layers" / "deps").mkdir(parents=True)
        bootstrap = root / "src" / "bootstrap"
        bootstrap.write_text(BOOTSTRAP)
        bootstrap.chmod(0o755)
        (root / "node").mkdir()
        (root / "node" / "app.js").write_text(
            "exports.handler = async (event) => ({ echoed: event, runtime: process.env.AWS_EXECUTION_ENV });\n")
        cls.template = root / "template.yaml"
        cls.template.write_text(TEMPLATE)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def run_template(self, logical_id, *args):
        return subprocess.run([harness.EMULATOR, "run", "--template", str(self.template), logical_id, *args],
                              capture_output=True, text=True, timeout=120)

    def test_globals_under_the_function_and_parameter_defaults(self):
        name = harness.unique_name("tpl")
        done = self.run_template("Orders", "--function-name", name, "--report", os.devnull)
        harness.assert_nothing_left(self, name)
        self.assertEqual(done.returncode, 0, done.stderr)
        env = json.loads(done.stdout.splitlines()[0])["payload"]["env"]
        self.assertEqual(env["_HANDLER"], "orders.handle")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "512")  # the function's, over Globals' 256
        self.assertEqual(env["AWS_LAMBDA_LOG_FORMAT"], "JSON")  # from Globals' LoggingConfig
        self.assertEqual(env["SHARED"], "from-globals")
        self.assertEqual(env["OVERRIDDEN"], "from-function")
        self.assertEqual(env["STAGE"], "staging")  # !Ref to a parameter with a Default

    def test_command_line_overrides_the_template(self):
        name = harness.unique_name("tpl")
        with tempfile.NamedTemporaryFile("r", suffix=".json") as report:
            done = self.run_template("Orders", "--function-name", name, "--memory", "1024", "--timeout", "2",
                                     "--handler", "cli.handle", "--log-format", "text", "--env",
                                     "OVERRIDDEN=from-cli", "--env", "FROM_CLI=yes", "--report", report.name)
            harness.assert_nothing_left(self, name)
            self.assertEqual(done.returncode, 0, done.stderr)
            function = json.loads(pathlib.Path(report.name).read_text())["function"]
        env = json.loads(done.stdout.splitlines()[0])["payload"]["env"]
        self.assertEqual(env["_HANDLER"], "cli.handle")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "1024")
        self.assertIsNone(env["AWS_LAMBDA_LOG_FORMAT"])
        self.assertEqual(env["OVERRIDDEN"], "from-cli")
        self.assertEqual(env["SHARED"], "from-globals")
        self.assertEqual(env["FROM_CLI"], "yes")
        self.assertEqual(function["timeoutMs"], 2000)
        self.assertEqual(function["name"], name)

    def test_the_logical_id_names_the_function_and_the_template_sets_the_timeout(self):
        with tempfile.NamedTemporaryFile("r", suffix=".json") as report:
            done = self.run_template("Orders", "--report", report.name)
            self.assertEqual(done.returncode, 0, done.stderr)
            function = json.loads(pathlib.Path(report.name).read_text())["function"]
        self.assertEqual(function["name"], "Orders")
        self.assertEqual(function["timeoutMs"], 9000)
        self.assertEqual(function["memorySizeMB"], 512)

    def assert_one_clear_line(self, done, expected):
        self.assertEqual(done.returncode, 2, done.stderr)
        lines = done.stderr.strip().splitlines()
        self.assertEqual(lines, [f"[lambda-emu] error: {expected}"])
        self.assertEqual(done.stdout, "")

    def test_a_parameter_without_default_is_one_clear_line(self):
        done = self.run_template("Keyed")
        self.assert_one_clear_line(done, "template: Keyed.Environment.Variables.API_KEY: !Ref ApiKey is a parameter "
                                         "without a Default; pass --env API_KEY=VALUE")

    def test_layers_and_ephemeral_storage_go_to_the_sandbox(self):
        # The LayerVersion's local ContentUri becomes /opt, EphemeralStorage.Size /tmp's size.
        with tempfile.TemporaryDirectory() as scratch:
            event = pathlib.Path(scratch) / "event.json"
            event.write_text("{}")
            report = pathlib.Path(scratch) / "report.json"
            done = self.run_template("Layered", "--sandbox", "on", "--event", str(event), "--report", str(report))
            self.assertEqual(done.returncode, 0, done.stderr)
            sandbox = json.loads(report.read_text())["sandbox"]
            self.assertTrue(sandbox["enabled"])
            self.assertEqual(sandbox["ephemeralStorageMB"], 600)
            self.assertEqual(len(sandbox["layers"]), 1)
            self.assertTrue(sandbox["layers"][0].endswith("layers/deps"), sandbox["layers"])
            # The command line wins over the template.
            done = self.run_template("Layered", "--sandbox", "on", "--ephemeral-storage", "700", "--event", str(event),
                                     "--report", str(report))
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(json.loads(report.read_text())["sandbox"]["ephemeralStorageMB"], 700)

    def test_a_managed_runtime_runs_the_handler_in_code_uri(self):
        with tempfile.TemporaryDirectory() as scratch:
            event = pathlib.Path(scratch) / "event.json"
            event.write_text('{"order": 7}')
            report = pathlib.Path(scratch) / "report.json"
            done = self.run_template("Managed", "--event", str(event), "--report", str(report))
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn('{"echoed":{"order":7},"runtime":"AWS_Lambda_nodejs20.x"}', done.stdout)
            self.assertEqual(json.loads(report.read_text())["function"]["runtime"]["id"], "nodejs20.x")

    def test_an_unknown_logical_id_names_the_functions(self):
        done = self.run_template("Nope")
        self.assert_one_clear_line(done, "template: no resource Nope; its functions: Orders, Keyed, Layered, Managed")


if __name__ == "__main__":
    unittest.main()
