"""The seed's scenario against a real database: a Node function opens a PostgreSQL connection
during Init, buffers one record per invocation, and writes them all on SIGTERM. With an extension
and a fast cleanup everything lands and the session ends cleanly; without an extension (no
SIGTERM) or with a cleanup slower than its 300 ms share the records are lost, and the report says
why."""
import json
import os
import tempfile
import unittest

import harness
import postgres

SAMPLE = harness.packaged(harness.SAMPLES / "node-postgres", harness.SAMPLES / "node-runtime" / "runtime.js") / "bootstrap"
LOGGER = harness.SAMPLES / "extensions" / "shutdown-logger"


class PostgresScenario(unittest.TestCase):
    def run_scenario(self, *args):
        with postgres.Server() as db, tempfile.TemporaryDirectory() as folder:
            report_path = os.path.join(folder, "report.json")
            name = harness.unique_name("pg")
            outcome = harness.run(SAMPLE, "--handler", "index.handler", "--timeout", "10", "--env",
                                  f"DATABASE_URL={db.url}", "--report", report_path, *args, name=name,
                                  events=[{"order": 1}, {"order": 2}, {"order": 3}])
            with open(report_path) as f:
                report = json.load(f)
            rows = db.query("SELECT count(*) FROM orders")
            ids = set(db.query("SELECT request_id FROM orders ORDER BY 1").split())
            server_log = db.log()
        harness.assert_nothing_left(self, name)
        self.assertEqual([r["payload"]["buffered"] for r in outcome.results], [1, 2, 3], outcome)
        runtime = report["shutdowns"][-1]["processes"][0]
        return outcome, runtime, report, int(rows), ids, server_log

    def test_graceful_shutdown_writes_every_record_and_ends_the_session(self):
        outcome, runtime, report, rows, ids, server_log = self.run_scenario("--extension", str(LOGGER))
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(rows, 3)
        self.assertEqual(ids, {r["requestId"] for r in outcome.results})
        self.assertEqual(runtime["verdict"], "graceful")
        self.assertIsNotNone(runtime["cleanupDurationMs"])
        self.assertIn("SIGTERM: wrote 3 records and closed the connection", outcome.stderr)
        self.assertIn("application_name=lambda-emu-sample", server_log)
        self.assertIn("disconnection: session time", server_log)

    def test_without_an_extension_there_is_no_sigterm_and_the_records_are_lost(self):
        outcome, runtime, report, rows, _, server_log = self.run_scenario()
        self.assertEqual(outcome.code, 0, outcome)
        self.assertEqual(rows, 0)
        self.assertEqual(runtime["verdict"], "not-signalled")
        self.assertTrue(any("no SIGTERM" in d for d in report["shutdowns"][-1]["diagnostics"]))
        self.assertNotIn("SIGTERM: wrote", outcome.stderr)

    def test_a_cleanup_slower_than_its_share_is_killed_and_loses_the_records(self):
        outcome, runtime, report, rows, _, server_log = self.run_scenario("--extension", str(LOGGER),
                                                                          "--env", "CLEANUP_DELAY_MS=400")
        self.assertEqual(outcome.code, 5, outcome)
        self.assertEqual(rows, 0)
        self.assertEqual(runtime["verdict"], "killed")
        self.assertGreaterEqual(runtime["sigkillMs"], 300)
        # The evidence says why: its PostgreSQL connection was still open at the kill.
        self.assertTrue(runtime["evidence"]["openConnectionsAtEnd"], runtime["evidence"])
        self.assertTrue(any("still open to" in d and "cut short" in d for d in report["shutdowns"][-1]["diagnostics"]))
        self.assertNotIn("SIGTERM: wrote", outcome.stderr)


if __name__ == "__main__":
    unittest.main()
