"""Lambda's own log lines, in its Text format (tab-separated, docs/lambda-rules.md §3.6) and in its JSON
format (--log-format json: the same events as JSON objects, AWS_LAMBDA_LOG_FORMAT=JSON)."""
import json
import unittest

import harness

ECHO = harness.runtime("echo")
RECORDER = harness.SAMPLES / "extensions" / "telemetry-recorder"


class TextFormat(unittest.TestCase):
    def test_every_platform_line(self):
        run = harness.run(ECHO, "--extension", str(RECORDER), events=[{}])
        self.assertEqual(run.code, 0, run)
        self.assertRegex(run.lines("INIT_START")[0],
                         r"^INIT_START Runtime Version: \S+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:\S+$")
        self.assertEqual(run.lines("EXTENSION"), ["EXTENSION\tName: telemetry-recorder\tState: Ready\tEvents: [INVOKE, SHUTDOWN]"])
        self.assertEqual(run.lines("TELEMETRY"),
                         ["TELEMETRY\tName: telemetry-recorder\tState: Subscribed\tTypes: [Platform, Function, Extension]"])
        request_id = run.results[0]["requestId"]
        self.assertEqual(run.lines("START"), [f"START RequestId: {request_id} Version: $LATEST"])
        self.assertEqual(run.lines("END"), [f"END RequestId: {request_id}"])
        self.assertRegex(run.lines("REPORT")[0], rf"^REPORT RequestId: {request_id}\tDuration: \d+\.\d\d ms\t"
                                                 r"Billed Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t"
                                                 r"Init Duration: \d+\.\d\d ms\t$")
        self.assertNotIn("AWS_LAMBDA_LOG_FORMAT", run.results[0]["payload"]["env"])


class JsonFormat(unittest.TestCase):
    def test_platform_lines_are_json_events(self):
        run = harness.run(ECHO, "--log-format", "json", "--extension", str(RECORDER), events=[{}])
        self.assertEqual(run.code, 0, run)
        events = [json.loads(line) for line in run.stderr.splitlines() if line.startswith('{"time"')]
        types = [e["type"] for e in events]
        self.assertEqual(types, ["platform.initStart", "platform.telemetrySubscription", "platform.extension",
                                 "platform.start", "platform.report"])
        for event in events:
            self.assertEqual(set(event), {"time", "type", "record"})
        request_id = run.results[0]["requestId"]
        self.assertEqual(events[3]["record"]["requestId"], request_id)
        report = events[4]["record"]
        self.assertEqual((report["requestId"], report["status"]), (request_id, "success"))
        self.assertEqual(set(report["metrics"]), {"durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB",
                                                  "initDurationMs"})
        self.assertFalse(run.lines("START") or run.lines("END") or run.lines("REPORT"), "no text lines in JSON format")
        self.assertEqual(run.results[0]["payload"]["env"]["AWS_LAMBDA_LOG_FORMAT"], "JSON")

    def test_unknown_log_format_is_a_usage_error(self):
        run = harness.run(ECHO, "--log-format", "xml")
        self.assertEqual(run.code, 2, run)
        self.assertIn("--log-format must be text or json", run.stderr)


if __name__ == "__main__":
    unittest.main()
