"""Every status code and error body of the Runtime API (docs/lambda-rules.md §1), from a runtime that
makes each wrong call against the real emulator."""
import json
import unittest

import harness

REQUEST_ID_400 = {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}


class RuntimeApiErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.name = harness.unique_name("prober")
        steps = ["calls", "bad-mode", "too-large", "at-limit", "error-cause", "plain-error"]
        cls.outcome = harness.run(harness.runtime("prober"),
                              name=cls.name, events=[{"step": s} for s in steps])
        cls.seen = harness.records(cls.outcome.stderr, "runtime")[-1]  # printed after each step

    def answer(self, name):
        self.assertIn(name, self.seen, self.outcome)
        return self.seen[name]

    def assert_json(self, name, status, body):
        answer = self.answer(name)
        self.assertEqual(answer["status"], status, answer)
        self.assertEqual(answer["content_type"], "application/json")
        self.assertTrue(answer["body"].endswith("\n"), "RAPID ends JSON bodies with a newline")
        self.assertEqual(json.loads(answer["body"]), body)

    def test_ping_answers_pong(self):
        self.assertEqual(self.answer("ping")["status"], 200)
        self.assertEqual(self.answer("ping")["body"], "pong")

    def test_unknown_path_is_404_and_wrong_method_405(self):
        self.assertEqual(self.answer("unknown_path")["status"], 404)
        self.assertEqual(self.answer("unknown_path")["body"], "404 page not found\n")
        self.assertEqual(self.answer("wrong_method_response")["status"], 405)
        self.assertEqual(self.answer("wrong_method_next")["status"], 405)

    def test_wrong_and_empty_request_ids_are_400(self):
        self.assert_json("wrong_id_response", 400, REQUEST_ID_400)
        self.assert_json("empty_id_response", 400, REQUEST_ID_400)
        self.assert_json("wrong_id_error", 400, REQUEST_ID_400)

    def test_stale_request_id_is_400(self):
        self.assert_json("stale_id", 400, REQUEST_ID_400)

    def test_init_error_after_next_is_403(self):
        self.assert_json("init_error_after_next", 403, {
            "errorMessage": "State transition from Running to InitError failed for runtime. "
                            "Error: State transition is not allowed",
            "errorType": "InvalidStateTransition"})

    def test_second_next_rerenders_the_same_invocation(self):
        self.assertEqual(self.answer("next_again")["status"], 200)
        self.assertEqual(self.answer("next_again")["request_id"], self.outcome.results[0]["requestId"])

    def test_response_is_202_status_ok(self):
        self.assert_json("response", 202, {"status": "OK"})
        self.assertEqual(self.outcome.results[0]["payload"], {"step": "calls"})

    def test_second_response_and_error_after_response_are_403(self):
        self.assert_json("second_response", 403, {
            "errorMessage": "State transition from RuntimeResponseSentState to InvocationResponse failed for "
                            "runtime. Error: State transition is not allowed",
            "errorType": "InvalidStateTransition"})
        self.assert_json("error_after_response", 403, {
            "errorMessage": "State transition from RuntimeResponseSentState to InvocationErrorResponse failed "
                            "for runtime. Error: State transition is not allowed",
            "errorType": "InvalidStateTransition"})

    def test_malformed_http_is_400_and_the_emulator_carries_on(self):
        self.assertEqual(self.answer("malformed_http")["status"], 400)
        self.assertEqual(self.answer("bad_chunked_body")["status"], 400)
        self.assertEqual(len(self.outcome.results), 6, self.outcome)

    def test_invalid_response_mode_is_400_and_the_caller_gets_a_function_error(self):
        self.assert_json("bad_mode", 400, {"errorMessage": "Invalid function response mode",
                                           "errorType": "InvalidFunctionResponseMode"})
        result = self.outcome.results[1]
        self.assertEqual(result["functionError"], "Unhandled")
        self.assertEqual(result["errorType"], "Runtime.InvalidResponseModeHeader")

    def test_one_byte_over_the_limit_is_413_and_the_caller_gets_response_size_too_large(self):
        self.assert_json("too_large", 413, {"errorMessage": "Exceeded maximum allowed payload size (6291556 bytes).",
                                            "errorType": "RequestEntityTooLarge"})
        result = self.outcome.results[2]
        self.assertEqual(result["functionError"], "Unhandled")
        self.assertEqual(result["payload"], {
            "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
            "errorType": "Function.ResponseSizeTooLarge"})

    def test_exactly_the_limit_is_accepted(self):
        self.assert_json("at_limit", 202, {"status": "OK"})
        result = self.outcome.results[3]
        self.assertIsNone(result["functionError"])
        self.assertEqual(len(result["payloadText"]), 6291556)
        self.assertEqual(result["contentType"], "text/plain")

    def test_error_cause_body_is_stripped_of_error_cause(self):
        self.assert_json("error_cause", 202, {"status": "OK"})
        self.assertEqual(self.outcome.results[4]["payload"],
                         {"errorMessage": "boom", "errorType": "ValueError", "stackTrace": ["a"]})

    def test_error_body_reaches_the_caller_as_posted(self):
        self.assert_json("plain_error", 202, {"status": "OK"})
        result = self.outcome.results[5]
        self.assertEqual(result["functionError"], "Unhandled")
        self.assertEqual(result["payload"], {"errorMessage": "m", "errorType": "E"})

    def test_function_errors_set_exit_code_1_and_nothing_is_left(self):
        self.assertEqual(self.outcome.code, 1, self.outcome)
        harness.assert_nothing_left(self, self.name)


if __name__ == "__main__":
    unittest.main()
