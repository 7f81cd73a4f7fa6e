"""The control-plane calls SDKs and the AWS CLI make around an invocation, against serve: answered
from the running configuration in AWS's shapes, and every other Lambda API path with AWS's error
shape, so that the clients raise typed errors instead of failing to parse a plain-text 404."""
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

import harness

AWS = "/usr/bin/aws"
SAMPLE = harness.SAMPLES / "python-runtime" / "bootstrap"
SDK = pathlib.Path(__file__).resolve().parent / "sdk"


class ControlPlane(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = harness.Serve(SAMPLE, "--memory", "512", "--timeout", "7", "--env", "TABLE=orders")
        cls.folder = tempfile.mkdtemp()
        cls.env = {"PATH": "/usr/bin:/bin", "HOME": cls.folder, "AWS_ACCESS_KEY_ID": "testing",
                   "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                   "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1"}

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def aws(self, *args):
        done = subprocess.run([AWS, "lambda", *args, "--endpoint-url", self.serve.url, "--output", "json"],
                              capture_output=True, text=True, env=self.env, timeout=60)
        return done, (json.loads(done.stdout) if done.stdout.strip() else None)

    def test_get_function_and_its_configuration_through_the_cli(self):
        done, answer = self.aws("get-function", "--function-name", self.serve.name)
        self.assertEqual(done.returncode, 0, done.stderr)
        configuration = answer["Configuration"]
        self.assertEqual(configuration["FunctionName"], self.serve.name)
        self.assertEqual(configuration["FunctionArn"],
                         f"arn:aws:lambda:us-east-1:123456789012:function:{self.serve.name}")
        self.assertEqual(configuration["State"], "Active")
        self.assertEqual(configuration["MemorySize"], 512)
        self.assertEqual(configuration["Timeout"], 7)
        self.assertEqual(configuration["Runtime"], "provided.al2023")
        self.assertEqual(configuration["Environment"]["Variables"], {"TABLE": "orders"})
        done, configuration = self.aws("get-function-configuration", "--function-name", self.serve.name)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(configuration["Handler"], "function.handler")
        self.assertEqual(configuration["LastUpdateStatus"], "Successful")

    def test_the_waiter_and_the_list(self):
        done, _ = self.aws("wait", "function-active-v2", "--function-name", self.serve.name)
        self.assertEqual(done.returncode, 0, done.stderr)
        done, answer = self.aws("list-functions")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual([f["FunctionName"] for f in answer["Functions"]], [self.serve.name])

    def test_a_missing_function_and_an_operation_not_emulated_are_aws_errors(self):
        done, _ = self.aws("get-function", "--function-name", "no-such-function")
        self.assertEqual(done.returncode, 254, done.stderr)
        self.assertIn("An error occurred (ResourceNotFoundException) when calling the GetFunction operation",
                      done.stderr)
        self.assertIn("Function not found: arn:aws:lambda:us-east-1:123456789012:function:no-such-function",
                      done.stderr)
        done, _ = self.aws("get-policy", "--function-name", self.serve.name)
        self.assertEqual(done.returncode, 254, done.stderr)
        self.assertIn("An error occurred (UnknownOperationException) when calling the GetPolicy operation",
                      done.stderr)
        self.assertIn("lambda-emu does not emulate GET /2015-03-31/functions/", done.stderr)
        # Any path under the API's prefixes, any method: the JSON shape, never a plain-text 404.
        for method, path in (("GET", "/2015-03-31/functions/x/invocations"), ("DELETE", "/2017-03-31/tags/x"),
                             ("PUT", "/2019-09-25/functions/x/event-invoke-config")):
            status, headers, body = self.serve.request(method, path)
            self.assertEqual(status, 404, (method, path))
            self.assertEqual(headers["x-amzn-errortype"], "UnknownOperationException")
            self.assertIn("lambda-emu does not emulate", json.loads(body)["message"])

    def test_the_javascript_sdk_gets_typed_answers_and_errors(self):
        done = subprocess.run(["node", str(SDK / "control_plane.mjs"), self.serve.url, self.serve.name],
                              capture_output=True, text=True, timeout=120, cwd=SDK)
        self.assertEqual(done.returncode, 0, done.stderr)
        calls = {line["call"]: line for line in map(json.loads, done.stdout.splitlines())}
        self.assertEqual(calls["GetFunction"]["ok"]["State"], "Active")
        self.assertEqual(calls["GetFunction"]["ok"]["Variables"], {"TABLE": "orders"})
        self.assertEqual(calls["GetFunctionConfiguration"]["ok"], {"MemorySize": 512, "Timeout": 7,
                                                                   "Runtime": "provided.al2023"})
        self.assertEqual(calls["ListFunctions"]["ok"]["names"], [self.serve.name])
        self.assertEqual(calls["GetFunctionMissing"]["error"]["name"], "ResourceNotFoundException")
        self.assertEqual(calls["GetFunctionMissing"]["error"]["status"], 404)
        self.assertEqual(calls["GetPolicy"]["error"]["name"], "UnknownOperationException")
        self.assertEqual(json.loads(calls["Invoke"]["ok"]["Payload"])["sum"], 3)


if __name__ == "__main__":
    unittest.main()
