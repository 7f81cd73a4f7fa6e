"""AWS's official Node.js runtime interface client (aws-lambda-ric, from npm) cannot tell
lambda-emu from Lambda: it runs a handler unchanged, including function errors."""
import os
import unittest

import harness

SAMPLE = harness.SAMPLES / "node-ric"


class OfficialNodeClient(unittest.TestCase):
    def setUp(self):
        client = SAMPLE / "node_modules" / "aws-lambda-ric" / "bin" / "index.mjs"
        self.assertTrue(client.exists(), "run scripts/setup.sh (it installs aws-lambda-ric into samples/node-ric)")

    def test_handler_runs_unchanged(self):
        name = harness.unique_name()
        run = harness.run(SAMPLE / "bootstrap", "--handler", "index.handler", "--timeout", "5", name=name,
                          events=[{"hello": "ric"}, {"fail": True}])
        self.assertEqual(run.code, 1, run)
        ok, failed = run.results
        self.assertEqual(ok["payload"]["received"], {"hello": "ric"})
        self.assertEqual(ok["payload"]["functionName"], name)
        self.assertTrue(0 < ok["payload"]["remainingMs"] <= 5000, ok)
        self.assertEqual(failed["functionError"], "Unhandled")
        self.assertEqual(failed["payload"]["errorMessage"], "asked to fail")
        self.assertIn(f"handling {ok['requestId']}", run.stderr)
        harness.assert_nothing_left(self, name)


if __name__ == "__main__":
    unittest.main()
