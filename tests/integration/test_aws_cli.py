"""The AWS CLI (Debian's awscli), unchanged, against `lambda-emu serve`: every invocation type,
the log tail, function errors and service errors, with dummy credentials."""
import base64
import json
import os
import subprocess
import tempfile
import unittest

import harness

AWS = "/usr/bin/aws"  # Debian's; a version manager's shim earlier on PATH must not shadow it
SAMPLE = harness.SAMPLES / "python-runtime" / "bootstrap"


class AwsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = harness.Serve(SAMPLE)
        cls.folder = tempfile.mkdtemp()
        cls.env = {"PATH": "/usr/bin:/bin", "HOME": cls.folder, "AWS_ACCESS_KEY_ID": "testing",
                   "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                   "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""}

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def invoke(self, *args, function=None):
        out = os.path.join(self.folder, "out.json")
        if os.path.exists(out):
            os.unlink(out)
        done = subprocess.run([AWS, "lambda", "invoke", "--endpoint-url", self.serve.url, "--function-name",
                               function or self.serve.name, "--cli-binary-format", "raw-in-base64-out", *args, out],
                              capture_output=True, text=True, env=self.env, timeout=60)
        payload = open(out).read() if os.path.exists(out) else None
        return done, (json.loads(done.stdout) if done.stdout.strip() else None), payload

    def test_request_response_with_payload(self):
        done, answer, payload = self.invoke("--payload", '{"numbers": [4, 5]}')
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(answer["StatusCode"], 200)
        self.assertEqual(answer["ExecutedVersion"], "$LATEST")
        self.assertEqual(json.loads(payload)["sum"], 9)

    def test_log_type_tail(self):
        done, answer, _ = self.invoke("--payload", "{}", "--log-type", "Tail")
        self.assertEqual(done.returncode, 0, done.stderr)
        log = base64.b64decode(answer["LogResult"]).decode()
        self.assertIn("START RequestId:", log)
        self.assertIn("REPORT RequestId:", log)

    def test_function_error(self):
        done, answer, payload = self.invoke("--payload", '{"fail": true}')
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(answer["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(payload)["errorMessage"], "asked to fail")

    def test_event_invocation(self):
        done, answer, _ = self.invoke("--payload", "{}", "--invocation-type", "Event")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(answer["StatusCode"], 202)

    def test_dry_run(self):
        done, answer, _ = self.invoke("--invocation-type", "DryRun")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(answer["StatusCode"], 204)

    def test_unknown_function_is_resource_not_found(self):
        done, _, _ = self.invoke("--payload", "{}", function="does-not-exist")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("An error occurred (ResourceNotFoundException) when calling the Invoke operation: "
                      "Function not found: arn:aws:lambda:us-east-1:123456789012:function:does-not-exist:$LATEST",
                      done.stderr)

    def test_payload_that_is_not_json(self):
        done, _, _ = self.invoke("--payload", "not json")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("InvalidRequestContentException", done.stderr)


if __name__ == "__main__":
    unittest.main()
