"""A Terraform configuration as input (`--terraform DIR`): samples/terraform holds the setup such
teams deploy, one main.tf (the Lambda Insights layer by ARN with ${var.region}, a data
"archive_file" of function/, an IAM role and its policy attachments, var.region with a default)
beside function/, and is run unmodified with `run --terraform . aws_lambda_function.lambda`, then
served with `serve --terraform .` and invoked with the AWS CLI. Then -var, a deprecated runtime id,
and the refusals' one line each. HashiCorp's HCL parser is the one scripts/setup.sh installed."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

SAMPLE = harness.SAMPLES / "terraform"
AWS = "/usr/bin/aws"  # Debian's; a version manager's shim earlier on PATH must not shadow it
NAME = "graceful-shutdown-terraform"  # main.tf's function_name


def emulator(*args, cwd=SAMPLE, timeout=120):
    done = subprocess.run([harness.EMULATOR, *args], cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=timeout)
    return harness.Run(done.returncode, done.stdout, done.stderr)


class TerraformSample(unittest.TestCase):
    def tearDown(self):
        harness.kill_leftovers(NAME)

    def test_run_reads_main_tf_as_it_is(self):
        with tempfile.TemporaryDirectory() as folder:
            report_path = pathlib.Path(folder) / "report.json"
            done = emulator("run", "--terraform", ".", "aws_lambda_function.lambda", "--event", "e.json",
                            "--report", str(report_path))
            report = json.loads(report_path.read_text())
        # The function's own answer: the code is function/ itself (no zip made), its variable
        # interpolated from var.region's default.
        self.assertEqual(done.results[0]["payload"], {"message": "hello from us-east-1",
                                                       "got": {"hello": "terraform"}}, done)
        self.assertIn("CloudWatch Lambda Insights is stood in by a built-in external extension", done.stderr)
        self.assertIn("[handler] invoked", done.stderr)
        # The Insights stand-in registered, so the runtime got SIGTERM and its handler ran; with
        # aws-lambda-ric, process.exit() in the listener does not end Node.js, and it is killed at
        # its 300 ms share, as on Lambda.
        self.assertIn("[runtime] SIGTERM received, cleaning up", done.stderr)
        shutdown = report["shutdowns"][-1]
        self.assertTrue(shutdown["budget"]["sigterm"], done)
        runtime = next(p for p in shutdown["processes"] if p["kind"] == "runtime")
        self.assertEqual(runtime["sigtermMs"], 0.0, done)
        self.assertEqual(runtime["verdict"], "killed", done)
        agent = next(p for p in shutdown["processes"] if p["name"] == "cloudwatch_lambda_agent")
        self.assertEqual(agent["verdict"], "graceful", done)
        self.assertEqual(done.code, 5, done)
        self.assertEqual(report["function"]["name"], NAME, report["function"])
        self.assertEqual(report["function"]["memorySizeMB"], 256, report["function"])
        harness.assert_nothing_left(self, NAME)

    def test_var_overrides_the_default(self):
        done = emulator("run", "--terraform", ".", "aws_lambda_function.lambda", "--event", "e.json",
                        "-var", "region=eu-west-1", "--allow-kill")
        self.assertEqual(done.code, 0, done)
        self.assertEqual(done.results[0]["payload"]["message"], "hello from eu-west-1", done)

    def test_var_file_and_the_function_name_as_resource(self):
        with tempfile.TemporaryDirectory() as folder:
            tfvars = pathlib.Path(folder) / "prod.tfvars"
            tfvars.write_text('region = "ap-southeast-2"\n')
            done = emulator("run", "--terraform", ".", NAME, "--event", "e.json", "-var-file", str(tfvars),
                            "--allow-kill")
        self.assertEqual(done.code, 0, done)
        self.assertEqual(done.results[0]["payload"]["message"], "hello from ap-southeast-2", done)

    def test_serve_answers_the_aws_cli(self):
        with tempfile.TemporaryDirectory() as folder:
            report_path = pathlib.Path(folder) / "report.json"
            process = subprocess.Popen([harness.EMULATOR, "serve", "--terraform", ".", "--listen", "127.0.0.1:0",
                                        "--report", str(report_path)], cwd=SAMPLE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, errors="replace")
            try:
                seen = harness.wait_for_stderr_line(process, "serving function")
                port = int(re.search(r"http://127\.0\.0\.1:(\d+)", seen).group(1))
                out = pathlib.Path(folder) / "out.json"
                env = {"PATH": "/usr/bin:/bin", "HOME": folder, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""}
                invoked = subprocess.run([AWS, "lambda", "invoke", "--endpoint-url", f"http://127.0.0.1:{port}",
                                          "--function-name", NAME, "--cli-binary-format", "raw-in-base64-out",
                                          "--payload", '{"via": "aws"}', str(out)],
                                         capture_output=True, text=True, env=env, timeout=120)
                self.assertEqual(invoked.returncode, 0, invoked.stderr)
                self.assertEqual(json.loads(invoked.stdout)["StatusCode"], 200)
                self.assertEqual(json.loads(out.read_text()), {"message": "hello from us-east-1",
                                                               "got": {"via": "aws"}})
            finally:
                process.terminate()
                _, stderr = process.communicate(timeout=60)
            environments = json.loads(report_path.read_text())["environments"]
        self.assertEqual(len(environments), 1, stderr)
        shutdown = environments[0]["report"]["shutdowns"][-1]
        runtime = next(p for p in shutdown["processes"] if p["kind"] == "runtime")
        self.assertEqual(runtime["verdict"], "killed", stderr)
        self.assertIn("[runtime] SIGTERM received, cleaning up", seen + stderr)
        harness.assert_nothing_left(self, NAME)


class TerraformInput(unittest.TestCase):
    """Configurations written for one test each, in a temporary folder."""

    def setUp(self):
        self.folder = pathlib.Path(tempfile.mkdtemp())
        self.name = harness.unique_name("tf")

    def tearDown(self):
        harness.kill_leftovers(self.name)
        shutil.rmtree(self.folder, ignore_errors=True)

    def write(self, text, name="main.tf"):
        (self.folder / name).write_text(text)

    def test_a_deprecated_runtime_runs_with_the_nearest_and_one_warning(self):
        (self.folder / "src").mkdir()
        (self.folder / "src" / "index.js").write_text("exports.handler = async () => ({ node: process.version });\n")
        self.write('resource "aws_lambda_function" "old" {\n'
                   f'  function_name = "{self.name}"\n'
                   '  handler = "index.handler"\n  runtime = "nodejs16.x"\n  filename = "${path.module}/src"\n}\n')
        # A filename that is a folder is not a zip: this one is refused; with an archive it runs.
        done = emulator("run", "--terraform", ".", "aws_lambda_function.old", cwd=self.folder)
        self.assertEqual(done.code, 2, done)
        self.write('data "archive_file" "src" {\n  type = "zip"\n  source_dir = "src"\n  output_path = "out.zip"\n}\n'
                   'resource "aws_lambda_function" "old" {\n'
                   f'  function_name = "{self.name}"\n'
                   '  handler = "index.handler"\n  runtime = "nodejs16.x"\n'
                   '  filename = data.archive_file.src.output_path\n}\n')
        done = emulator("run", "--terraform", ".", "aws_lambda_function.old", cwd=self.folder)
        self.assertEqual(done.code, 0, done)
        self.assertEqual(len(done.lines("[lambda-emu] warning: nodejs16.x is a runtime Lambda has deprecated")), 1,
                         done)
        self.assertIn("it runs here as nodejs18.x", done.stderr)

    def assert_refused(self, line, *args):
        done = emulator("run", "--terraform", str(self.folder), *args, cwd=self.folder)
        self.assertEqual(done.code, 2, done)
        self.assertEqual(done.stderr.strip().splitlines(), ["[lambda-emu] error: " + line], done)

    def test_a_folder_without_tf_files(self):
        self.assert_refused(f"--terraform {self.folder}: no .tf files in {self.folder}", "aws_lambda_function.x")

    def test_a_syntax_error_names_the_file_and_line(self):
        self.write('variable "a" {\n  default = "x"\n}\n\nresource "aws_lambda_function" "f" {\n  handler = \n}\n')
        self.assert_refused(f"terraform: {self.folder}/main.tf:6: Invalid expression; Expected the start of an "
                            "expression, but found an invalid expression token.", "aws_lambda_function.f")

    def test_an_unknown_resource_lists_the_functions(self):
        self.write('resource "aws_lambda_function" "a" {\n  filename = "a.zip"\n}\n')
        self.assert_refused(f"terraform: no aws_lambda_function aws_lambda_function.b in {self.folder}; its "
                            "functions: aws_lambda_function.a", "aws_lambda_function.b")

    def test_count_needs_the_instance(self):
        self.write('resource "aws_lambda_function" "a" {\n  count = 2\n  filename = "a.zip"\n}\n')
        self.assert_refused("terraform: aws_lambda_function.a has count: name one instance: aws_lambda_function.a[0]",
                            "aws_lambda_function.a")

    def test_a_registry_module_is_refused(self):
        self.write('module "fn" {\n  source = "terraform-aws-modules/lambda/aws"\n}\n')
        done = emulator("run", "--terraform", ".", "module.fn.aws_lambda_function.this", cwd=self.folder)
        self.assertEqual(done.code, 2, done)
        self.assertIn("[lambda-emu] error: terraform: no aws_lambda_function module.fn.aws_lambda_function.this in "
                      f"{self.folder}; registry modules are not read (module.fn (terraform-aws-modules/lambda/aws)): "
                      "lambda-emu follows local modules only", done.stderr)

    def test_a_local_module_is_followed(self):
        module = self.folder / "modules" / "fn"
        (module / "code").mkdir(parents=True)
        (module / "code" / "index.js").write_text("exports.handler = async () => process.env.STAGE;\n")
        (module / "main.tf").write_text(
            'variable "stage" {}\nvariable "name" {}\n'
            'resource "aws_lambda_function" "this" {\n  function_name = var.name\n  handler = "index.handler"\n'
            '  runtime = "nodejs20.x"\n  filename = data.archive_file.code.output_path\n'
            '  environment {\n    variables = { STAGE = var.stage }\n  }\n}\n'
            'data "archive_file" "code" {\n  type = "zip"\n  source_dir = "${path.module}/code"\n'
            '  output_path = "${path.module}/code.zip"\n}\n')
        self.write(f'module "fn" {{\n  source = "./modules/fn"\n  stage = "prod"\n  name = "{self.name}"\n}}\n')
        done = emulator("run", "--terraform", ".", "module.fn.aws_lambda_function.this", cwd=self.folder)
        self.assertEqual(done.code, 0, done)
        self.assertEqual(done.results[0]["payload"], "prod", done)

    def test_var_without_terraform_is_refused(self):
        done = emulator("run", "./bootstrap", "-var", "a=b", cwd=self.folder)
        self.assertEqual(done.code, 2, done)
        self.assertIn("-var and -var-file give a Terraform configuration's variables: add --terraform DIR",
                      done.stderr)


if __name__ == "__main__":
    unittest.main()
