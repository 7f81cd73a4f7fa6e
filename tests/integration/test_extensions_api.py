"""Every error of the Extensions API (docs/lambda-rules.md §2.4), the registration answer, the events as
an extension receives them, and the environment extensions get (5.2)."""
import json
import os
import tempfile
import unittest

import harness

PROBER = harness.extension("extension-prober", "prober")
REGISTRAR = harness.runtime("internal-registrar")


def refusal(error_type, message):
    return {"errorMessage": message, "errorType": error_type}


class ExtensionProber(unittest.TestCase):
    """The external prober alone, with a plain runtime, writing its own file."""

    @classmethod
    def setUpClass(cls):
        cls.report = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        cls.name = harness.unique_name("prober")
        cls.outcome = harness.run(harness.runtime("echo"), "--extension", str(PROBER),
                                  "--env", "CUSTOMER_VARIABLE=1", "--report", cls.report, name=cls.name,
                                  events=[{"n": 1}])
        cls.seen = harness.records(cls.outcome.stderr, "ext:prober")[-1]  # printed after each step
        with open(cls.report) as f:
            cls.report_json = json.load(f)
        os.unlink(cls.report)

    def assert_refused(self, name, error_type, message, status=403):
        answer = self.seen[name]
        self.assertEqual(answer["status"], status, answer)
        self.assertEqual(answer["headers"]["content-type"], "application/json")
        self.assertEqual(json.loads(answer["body"]), refusal(error_type, message))

    def test_run_succeeds(self):
        self.assertEqual(self.outcome.code, 0, self.outcome)
        harness.assert_nothing_left(self, self.name)

    def test_register_errors(self):
        self.assert_refused("register_without_name", "Extension.InvalidExtensionName", "Empty extension name")
        self.assertEqual(self.seen["register_bad_body"]["status"], 403)
        self.assertEqual(json.loads(self.seen["register_bad_body"]["body"])["errorType"], "InvalidRequestFormat")
        self.assert_refused("register_configuration_keys", "InvalidRequestFormat",
                            "configurationKeys are deprecated; use environment variables instead")
        self.assert_refused("register_unknown_event", "Extension.InvalidEventType", "FOO: ErrorInvalidEventType")
        self.assert_refused("register_again", "Extension.InvalidExtensionState", "Extension with this name already registered")

    def test_register_answers_identifier_and_function(self):
        answer = self.seen["register"]
        self.assertEqual(answer["status"], 200)
        self.assertRegex(answer["headers"]["lambda-extension-identifier"],
                         r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(json.loads(answer["body"]), {"functionName": self.name, "functionVersion": "$LATEST",
                                                      "handler": "function.handler", "accountId": "123456789012"})

    def test_identifier_errors(self):
        self.assert_refused("next_without_id", "Extension.MissingExtensionIdentifier",
                            "Missing Lambda-Extension-Identifier header")
        self.assert_refused("next_invalid_id", "Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier")
        self.assert_refused("next_unknown_id", "Extension.UnknownExtensionIdentifier", f"Unknown extension {self.seen['stranger']}")
        self.assert_refused("init_error_unknown_id", "Extension.UnknownExtensionIdentifier",
                            "Unknown Lambda-Extension-Identifier")
        self.assert_refused("exit_error_missing_type", "Extension.MissingHeader", "Lambda-Extension-Function-Error-Type not found")

    def test_invoke_event_field_by_field(self):
        answer = self.seen["invoke_event"]
        self.assertEqual(answer["status"], 200)
        self.assertRegex(answer["headers"]["lambda-extension-event-identifier"], r"^[0-9a-f-]{36}$")
        event = json.loads(answer["body"])
        self.assertEqual(set(event), {"eventType", "deadlineMs", "requestId", "invokedFunctionArn", "tracing"})
        self.assertEqual(event["eventType"], "INVOKE")
        self.assertEqual(event["requestId"], self.outcome.results[0]["requestId"])
        self.assertEqual(event["invokedFunctionArn"], f"arn:aws:lambda:us-east-1:123456789012:function:{self.name}")
        self.assertEqual(event["tracing"]["type"], "X-Amzn-Trace-Id")
        runtime_deadline = int(self.outcome.results[0]["payload"]["headers"]["lambda-runtime-deadline-ms"])
        self.assertEqual(event["deadlineMs"], runtime_deadline, "the same deadline as the runtime's")

    def test_shutdown_event_and_its_deadline_is_the_end_of_the_phase(self):
        event = json.loads(self.seen["shutdown_event"]["body"])
        self.assertEqual(set(event), {"eventType", "deadlineMs", "shutdownReason"})
        self.assertEqual(event["eventType"], "SHUTDOWN")
        self.assertEqual(event["shutdownReason"], "spindown")
        shutdown = self.report_json["shutdowns"][-1]
        phase_end = shutdown["startedAtEpochMs"] + shutdown["budget"]["phaseMs"]
        self.assertLessEqual(abs(event["deadlineMs"] - phase_end), 1)
        self.assertNotIn("lambda-extension-event-identifier", self.seen["shutdown_event"]["headers"])

    def test_calls_after_shutdown_are_refused_with_the_state(self):
        self.assert_refused("init_error_after_shutdown", "Extension.InvalidExtensionState",
                            "State transition from ShutdownStarted to InitError failed for extension prober. "
                            "Error: State transition is not allowed")

    def test_extensions_get_the_function_environment_less_the_runtime_only_variables(self):
        env = self.seen["env"]
        for kept in ("AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                     "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_LAMBDA_INITIALIZATION_TYPE", "TZ", "CUSTOMER_VARIABLE"):
            self.assertIn(kept, env)
        for dropped in ("LAMBDA_TASK_ROOT", "_HANDLER", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                        "LAMBDA_RUNTIME_DIR", "AWS_XRAY_DAEMON_ADDRESS", "_AWS_XRAY_DAEMON_PORT"):
            self.assertNotIn(dropped, env)
        self.assertFalse([k for k in env if k.startswith("_")])

    def test_extension_logs_are_labelled(self):
        self.assertIn("EXTENSION\tName: prober\tState: Ready\tEvents: [INVOKE, SHUTDOWN]", self.outcome.stderr)


class InternalExtensionRules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.name = harness.unique_name("registrar")
        cls.outcome = harness.run(REGISTRAR, "--extension", str(harness.SAMPLES / "extensions" / "invoke-only"),
                                  name=cls.name, events=[{}, {}])
        [cls.seen] = harness.records(cls.outcome.stderr, "runtime")

    def test_internal_extensions_may_not_subscribe_to_shutdown(self):
        self.assertEqual(self.seen["internal_shutdown"]["status"], 403)
        self.assertEqual(json.loads(self.seen["internal_shutdown"]["body"]),
                         refusal("Extension.InvalidEventType", "SHUTDOWN: ShutdownEventNotSupportedForInternalExtension"))

    def test_at_most_ten_extensions(self):
        statuses = [answer["status"] for answer in self.seen["internal"]]
        self.assertEqual(statuses, [200] * 9 + [403])
        self.assertEqual(json.loads(self.seen["internal"][9]["body"]),
                         refusal("Extension.TooManyExtensions", "Extension limit (10) reached"))

    def test_registration_closes_at_the_first_next(self):
        self.assertEqual(json.loads(self.seen["after_first_next"]["body"]),
                         refusal("Extension.RegistrationClosed", "Extension registration closed already"))

    def test_init_completes_and_internal_extensions_are_classified(self):
        self.assertEqual(self.outcome.code, 0, self.outcome)
        self.assertIn("EXTENSION\tName: internal-0\tState: Ready\tEvents: [INVOKE]", self.outcome.stderr)
        self.assertIn("Lambda: external and internal extensions", self.outcome.stderr)
        harness.assert_nothing_left(self, self.name)


if __name__ == "__main__":
    unittest.main()
