"""What the runtime sees: /next's headers (docs/lambda-rules.md §1.2) and its environment (5.1)."""
import json
import os
import tempfile
import time
import unittest

import harness

ECHO = harness.runtime("echo")


class HeadersAndEnvironment(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.name = harness.unique_name("echo")
        cls.started_ms = time.time() * 1000
        with tempfile.NamedTemporaryFile("w", suffix=".env", delete=False) as env_file:
            env_file.write("# a comment\nFROM_FILE=1\n\nOVERRIDDEN=file\n")
        cls.outcome = harness.run(ECHO, "--timeout", "7", "--memory", "256", "--handler", "app.main",
                              "--env", "OVERRIDDEN=flag", "--env-file", env_file.name, "--env", "PATH=/usr/bin:/bin",
                              name=cls.name, events=[{"n": 1}, ["any", "json"], "a string"])
        os.unlink(env_file.name)
        cls.seen = [result["payload"] for result in cls.outcome.results]

    def test_every_invocation_succeeds(self):
        self.assertEqual(self.outcome.code, 0, self.outcome)
        self.assertEqual([s["event"] for s in self.seen], [{"n": 1}, ["any", "json"], "a string"])

    def test_request_id_is_a_uuid_and_matches_the_result(self):
        for seen, result in zip(self.seen, self.outcome.results):
            request_id = seen["headers"]["lambda-runtime-aws-request-id"]
            self.assertRegex(request_id, r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            self.assertEqual(request_id, result["requestId"])
        self.assertEqual(len({s["headers"]["lambda-runtime-aws-request-id"] for s in self.seen}), 3)

    def test_deadline_is_epoch_ms_within_the_timeout_of_now(self):
        for seen in self.seen:
            deadline = int(seen["headers"]["lambda-runtime-deadline-ms"])
            remaining = deadline - seen["received_ms"]
            self.assertGreater(remaining, 5000, "7 s timeout: the deadline is ~7 s after delivery")
            self.assertLessEqual(remaining, 7000 + 50)
            self.assertGreater(deadline, self.started_ms)

    def test_invoked_function_arn_content_type_and_trace_id(self):
        headers = self.seen[0]["headers"]
        self.assertEqual(headers["lambda-runtime-invoked-function-arn"],
                         f"arn:aws:lambda:us-east-1:123456789012:function:{self.name}")
        self.assertEqual(headers["content-type"], "application/json")
        self.assertRegex(headers["lambda-runtime-trace-id"], r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$")

    def test_lambda_environment_variables(self):
        env = self.seen[0]["env"]
        # Lambda's own path in the sandbox; the function's folder on the machine without it.
        task_root = "/var/task" if harness.SANDBOX else str(ECHO.parent.resolve())
        expected = {
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "LAMBDA_TASK_ROOT": task_root,
            "_HANDLER": "app.main",
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
        }
        for key, value in expected.items():
            self.assertEqual(env.get(key), value, key)
        self.assertRegex(env["AWS_LAMBDA_RUNTIME_API"], r"^127\.0\.0\.1:\d+$")
        self.assertRegex(env["AWS_LAMBDA_LOG_STREAM_NAME"], r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
        self.assertEqual(self.seen[0]["cwd"], task_root)

    def test_customer_variables_files_then_flags(self):
        env = self.seen[0]["env"]
        self.assertEqual(env["FROM_FILE"], "1")
        self.assertEqual(env["OVERRIDDEN"], "flag")
        self.assertEqual(env["PATH"], "/usr/bin:/bin")

    def test_nothing_else_is_inherited(self):
        env = self.seen[0]["env"]
        self.assertNotIn("HOME", env)
        self.assertNotIn("LAMBDA_EMU", env)
        self.assertNotIn("AWS_EXECUTION_ENV", env)

    def test_reserved_variables_are_refused_before_anything_runs(self):
        name = harness.unique_name()
        refused = harness.run(ECHO, "--env", "AWS_REGION=eu-west-1", name=name)
        self.assertEqual(refused.code, 2, refused)
        self.assertIn("AWS_REGION is reserved", refused.stderr)
        self.assertIn("--region", refused.stderr)
        self.assertEqual(refused.results, [])

    def test_report_lines_are_written_for_every_invocation(self):
        self.assertEqual(len(self.outcome.lines("START RequestId: ")), 3)
        self.assertEqual(len(self.outcome.lines("END RequestId: ")), 3)
        reports = self.outcome.lines("REPORT RequestId: ")
        self.assertEqual(len(reports), 3)
        self.assertRegex(reports[0], r"^REPORT RequestId: \S+\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
                                     r"Memory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t$")
        self.assertNotIn("Init Duration", reports[1])
        max_used = int(reports[0].split("Max Memory Used: ")[1].split(" ")[0])
        self.assertGreater(max_used, 1, "measured from the process, not copied from the setting")
        self.assertNotEqual(max_used, 256)


if __name__ == "__main__":
    unittest.main()
