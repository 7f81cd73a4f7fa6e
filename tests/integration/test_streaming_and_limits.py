"""Response streaming from the runtime (chunked, error trailers) and the 6 MB limit, with the
samples that do them (docs/lambda-rules.md §1.3, 1.4)."""
import unittest

import harness


class Streaming(unittest.TestCase):
    def test_streamed_response_is_assembled_for_the_caller(self):
        run = harness.run(harness.misbehaving("streams-response"))
        self.assertEqual(run.code, 0, run)
        self.assertIn("[runtime] stream answered 202", run.stderr)
        result = run.results[0]
        self.assertEqual(result["payloadText"], "first chunk\nsecond chunk\nthird chunk\n")
        self.assertEqual(result["contentType"], "text/plain")
        self.assertIsNone(result["functionError"])

    def test_stream_that_fails_in_its_trailers_is_a_function_error(self):
        run = harness.run(harness.misbehaving("streams-then-fails"))
        self.assertEqual(run.code, 1, run)
        self.assertIn("[runtime] failed stream answered 202", run.stderr)
        result = run.results[0]
        self.assertEqual(result["functionError"], "Unhandled")
        self.assertEqual(result["errorType"], "Runtime.StreamError")
        self.assertEqual(result["payload"], {"errorMessage": "upstream closed mid-stream",
                                             "errorType": "Runtime.StreamError"})


    def test_stream_cut_off_by_a_dying_runtime_is_a_truncated_response(self):
        name = harness.unique_name()
        run = harness.run(harness.misbehaving("streams-then-dies"), name=name)
        self.assertEqual(run.code, 4, run)
        result = run.results[0]
        self.assertEqual(result["errorType"], "Runtime.TruncatedResponse")
        self.assertEqual(result["payload"], {"errorMessage": "HTTP request detected as truncated",
                                             "errorType": "Runtime.TruncatedResponse"})
        harness.assert_nothing_left(self, name)


class ResponseLimit(unittest.TestCase):
    def test_oversized_response_gets_413_and_the_environment_lives_on(self):
        name = harness.unique_name()
        run = harness.run(harness.misbehaving("oversized-response"), name=name,
                          events=[{"bytes": 7_000_000}, {"bytes": 1000}])
        self.assertEqual(run.code, 1, run)
        self.assertIn("[runtime] response of 7000000 bytes answered 413 "
                      '{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).",'
                      '"errorType":"RequestEntityTooLarge"}', run.stderr)
        self.assertEqual(run.results[0]["errorType"], "Function.ResponseSizeTooLarge")
        self.assertEqual(len(run.results[1]["payload"]), 998)
        self.assertNotIn("Reset", run.stderr)
        harness.assert_nothing_left(self, name)


if __name__ == "__main__":
    unittest.main()
