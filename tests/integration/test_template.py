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
            "SHARED", "OVERRIDDEN", "STAGE", "FROM_CLI", "API_KEY"]
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
                                         "without a Default or --parameter-overrides ApiKey=VALUE; pass --env "
                                         "API_KEY=VALUE")

    def test_what_the_error_asks_for_is_taken(self):
        # The variable from --env (as the line above says), or the parameter from --parameter-overrides.
        for args, value in ((["--env", "API_KEY=from-env"], "from-env"),
                            (["--parameter-overrides", "ApiKey=from-override"], "from-override"),
                            (["--parameter-overrides", "ParameterKey=ApiKey,ParameterValue=long-form"], "long-form")):
            with self.subTest(args=args):
                done = self.run_template("Keyed", *args)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(json.loads(done.stdout.splitlines()[0])["payload"]["env"]["API_KEY"], value)
        # From a pipe (`--env-file <(vault ...)`), which can be read only once: the variables are
        # read once for the check and the function alike.
        piped = subprocess.run(["bash", "-c", f'"$0" run --template "$1" Keyed --env-file <(echo API_KEY=from-pipe)',
                                harness.EMULATOR, str(self.template)], capture_output=True, text=True, timeout=120)
        self.assertEqual(piped.returncode, 0, piped.stderr)
        self.assertEqual(json.loads(piped.stdout.splitlines()[0])["payload"]["env"]["API_KEY"], "from-pipe")

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


def function_template(parameters="", variables="      Environment:\n        Variables:\n          STAGE: !Ref P\n"):
    """One provided.al2023 function in src/, with these Parameters and Environment.Variables."""
    return ("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n" +
            (f"Parameters:\n{parameters}" if parameters else "") +
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
            "      Handler: fn.handle\n      Runtime: provided.al2023\n" + variables)


class BoundedTemplates(unittest.TestCase):
    """A template that could not deploy, or that is not a template at all, is one clear line (exit 2),
    never a crash or a wait without end."""

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.root = pathlib.Path(cls.folder.name)
        (cls.root / "src").mkdir()
        bootstrap = cls.root / "src" / "bootstrap"
        bootstrap.write_text(BOOTSTRAP)
        bootstrap.chmod(0o755)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def run_text(self, text, command="run"):
        path = self.root / f"{harness.unique_name('template')}.yaml"
        path.write_text(text)
        try:
            return self.run_path(path, command)
        finally:
            path.unlink()

    def run_path(self, path, command="run"):
        return subprocess.run([harness.EMULATOR, command, "--template", str(path), "Fn"], capture_output=True,
                              text=True, timeout=30)

    def assert_one_clear_line(self, done, expected):
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertEqual(done.stderr.strip().splitlines(), [f"[lambda-emu] error: {expected}"])
        self.assertEqual(done.stdout, "")

    def test_a_default_that_refers_to_itself_is_named_not_a_crash(self):
        shapes = {
            "!Ref": ("  P:\n    Type: String\n    Default: !Ref P\n", "P -> P"),
            "!Sub": ('  P:\n    Type: String\n    Default: !Sub "prefix-${P}"\n', "P -> P"),
            "two parameters": ("  P:\n    Type: String\n    Default: !Ref Q\n"
                               "  Q:\n    Type: String\n    Default: !Sub \"${P}-suffix\"\n", "P -> Q -> P"),
        }
        for shape, (parameters, cycle) in shapes.items():
            for command in ("run", "serve"):
                with self.subTest(shape=shape, command=command):
                    done = self.run_text(function_template(parameters), command)
                    name = cycle.split(" ")[0]
                    self.assert_one_clear_line(done, f"template: parameter {name} refers to itself through {cycle}; "
                                                     "give one of them a plain Default")

    def test_a_device_as_template_is_refused_at_once(self):
        done = self.run_path("/dev/zero")
        self.assert_one_clear_line(done, "--template /dev/zero is a character device, not a file")

    def test_a_template_over_cloudformations_1_mb_is_refused(self):
        padding = "# " + "x" * 1_150_000 + "\n"  # a valid template otherwise
        done = self.run_text(function_template(variables="") + padding)
        self.assertIn("is larger than 1 MB (1048576 bytes), CloudFormation's limit for a template", done.stderr)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)

    def test_a_folder_as_template_is_named_and_its_template_suggested(self):
        done = self.run_path(self.root)
        self.assert_one_clear_line(done, f"--template {self.root} is a folder, not a template file")
        (self.root / "template.yaml").write_text(function_template())
        try:
            done = self.run_path(self.root)
        finally:
            (self.root / "template.yaml").unlink()
        self.assert_one_clear_line(done, f"--template {self.root} is a folder, not a template file; did you mean "
                                         f"--template {self.root / 'template.yaml'}?")

    def test_a_variable_name_lambda_would_refuse_is_refused_with_its_rule(self):
        for key, quoted in (('"A=B"', '"A=B"'), ('"LINE\\nBREAK"', '"LINE\\nBREAK"'), ("1BAD", '"1BAD"')):
            with self.subTest(key=key):
                variables = f"      Environment:\n        Variables:\n          {key}: x\n"
                done = self.run_text(function_template(variables=variables))
                self.assert_one_clear_line(done, f"template: Fn.Environment.Variables: {quoted} is not a variable "
                                                 "name Lambda accepts: it must match [a-zA-Z]([a-zA-Z0-9_])+ (a "
                                                 "letter, then one or more letters, digits or underscores)")

    def test_variables_over_4_kb_are_refused(self):
        variables = "      Environment:\n        Variables:\n" + "".join(
            f"          VAR_{i}: {'v' * 1000}\n" for i in range(5))
        done = self.run_text(function_template(variables=variables))
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("over Lambda's 4 KB limit", done.stderr)


if __name__ == "__main__":
    unittest.main()
