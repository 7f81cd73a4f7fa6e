"""The Telemetry API and Logs API delivered for real (docs/lambda-rules.md §3): a telemetry extension
(samples/extensions/telemetry-recorder) subscribes during Init, receives batches on its own
listener, and prints them on SHUTDOWN; the tests read what it received."""
import json
import os
import tempfile
import unittest

import harness

RECORDER = harness.SAMPLES / "extensions" / "telemetry-recorder"
CHATTY = harness.runtime("chatty")


def run_recorded(bootstrap, *args, events, env=()):
    name = harness.unique_name("telemetry")
    with tempfile.TemporaryDirectory() as folder:
        report_file = os.path.join(folder, "report.json")
        extra = [item for pair in (("--env", e) for e in env) for item in pair]
        outcome = harness.run(bootstrap, "--extension", str(RECORDER), "--env", "RECORD_FILE=-",
                              "--report", report_file, *extra, *args, name=name, events=events)
        with open(report_file) as f:
            report = json.load(f)
    recorded = harness.records(outcome.stderr)
    if len(recorded) != 1:
        raise AssertionError(f"expected one record, got {len(recorded)}:\n{outcome}")
    return outcome, recorded[0], report, name


def events_of(recorded, api="telemetry"):
    return [event for batch in recorded["batches"] if batch["api"] == api for event in batch["events"]]


class TelemetryEvents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.outcome, cls.recorded, cls.report, cls.name = run_recorded(
            CHATTY, events=[{"lines": 2}, {"lines": 3}], env=("LOGS_API=1",))
        cls.events = events_of(cls.recorded)

    def platform_types(self):
        return [e["type"] for e in self.events if e["type"].startswith("platform.")]

    def test_run_succeeds_and_subscription_answers_ok(self):
        self.assertEqual(self.outcome.code, 0, self.outcome)
        self.assertEqual(self.recorded["answers"]["subscribe"], [200, '"OK"\n'])
        self.assertIn("TELEMETRY\tName: telemetry-recorder\tState: Subscribed\tTypes: [Platform, Function, Extension]",
                      self.outcome.stderr)
        harness.assert_nothing_left(self, self.name)

    def test_platform_events_in_lambdas_order(self):
        self.assertEqual(self.platform_types(), [
            "platform.initStart", "platform.telemetrySubscription", "platform.initRuntimeDone", "platform.extension",
            "platform.initReport",
            "platform.start", "platform.runtimeDone", "platform.report",
            "platform.start", "platform.runtimeDone", "platform.report"])

    def test_every_event_has_time_type_and_record(self):
        for event in self.events:
            self.assertEqual(set(event), {"time", "type", "record"})
            self.assertRegex(event["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_request_ids_and_metrics_match_the_invocations_and_the_report(self):
        request_ids = [r["requestId"] for r in self.outcome.results]
        starts = [e["record"] for e in self.events if e["type"] == "platform.start"]
        self.assertEqual([s["requestId"] for s in starts], request_ids)
        self.assertTrue(all(s["version"] == "$LATEST" for s in starts))
        reports = [e["record"] for e in self.events if e["type"] == "platform.report"]
        for record, invocation in zip(reports, self.report["invocations"]):
            self.assertEqual(record["requestId"], invocation["requestId"])
            self.assertEqual(record["status"], "success")
            metrics = record["metrics"]
            self.assertAlmostEqual(metrics["durationMs"], invocation["durationMs"], delta=0.1)
            self.assertEqual(metrics["billedDurationMs"], invocation["billedDurationMs"])
            self.assertEqual(metrics["memorySizeMB"], 128)
            self.assertEqual(metrics["maxMemoryUsedMB"], invocation["maxMemoryUsedMB"])
        self.assertIn("initDurationMs", reports[0]["metrics"])
        self.assertNotIn("initDurationMs", reports[1]["metrics"])
        done = [e["record"] for e in self.events if e["type"] == "platform.runtimeDone"]
        self.assertEqual([d["requestId"] for d in done], request_ids)
        self.assertEqual(done[0]["metrics"]["producedBytes"], len('{"printed": 2}'))
        self.assertEqual([s["name"] for s in done[0]["spans"]], ["responseLatency", "responseDuration"])

    def test_init_records(self):
        by_type = {e["type"]: e["record"] for e in self.events}
        self.assertEqual(by_type["platform.initStart"]["initializationType"], "on-demand")
        self.assertEqual(by_type["platform.initStart"]["phase"], "init")
        self.assertEqual(by_type["platform.initRuntimeDone"]["status"], "success")
        self.assertGreater(by_type["platform.initReport"]["metrics"]["durationMs"], 0)
        self.assertEqual(by_type["platform.extension"],
                         {"name": "telemetry-recorder", "state": "Ready", "events": ["INVOKE", "SHUTDOWN"]})
        self.assertEqual(by_type["platform.telemetrySubscription"],
                         {"name": "telemetry-recorder", "state": "Subscribed", "types": ["platform", "function", "extension"]})

    def test_function_and_extension_log_lines(self):
        lines = [e["record"] for e in self.events if e["type"] == "function"]
        first = self.outcome.results[0]["requestId"]
        self.assertIn(f"{first} line 0 xxxxxxxxxx", lines)
        self.assertEqual(sum(1 for l in lines if " line " in l), 5)
        extension_lines = [e["record"] for e in self.events if e["type"] == "extension"]
        self.assertTrue(any(l.startswith("registered for") for l in extension_lines), extension_lines)

    def test_events_during_shutdown_arrive_before_the_deadline(self):
        goodbye = [b for b in self.recorded["batches"] if any(e["record"] == "goodbye from the SIGTERM handler"
                                                               for e in b["events"] if e["type"] == "function")]
        self.assertTrue(goodbye, "the runtime's last words reached the extension")
        self.assertLess(goodbye[0]["at_ms"], self.recorded["shutdown"]["deadlineMs"])

    def test_subscribing_after_init_is_403(self):
        status, body = self.recorded["answers"]["late_subscribe"]
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body), {"errorMessage": "Telemetry API subscription is closed",
                                            "errorType": "Telemetry.SubscriptionClosed"})

    def test_logs_api_gets_its_own_types(self):
        self.assertEqual(self.recorded["answers"]["logs_subscribe"], [200, '"OK"\n'])
        logs = events_of(self.recorded, "logs")
        types = [e["type"] for e in logs if e["type"].startswith("platform.")]
        self.assertIn("platform.logsSubscription", types)
        self.assertEqual([t for t in types if t in ("platform.start", "platform.runtimeDone", "platform.end", "platform.report")],
                         ["platform.start", "platform.runtimeDone", "platform.end", "platform.report"] * 2)
        self.assertNotIn("platform.initStart", types)
        end = next(e["record"] for e in logs if e["type"] == "platform.end")
        self.assertEqual(end, {"requestId": self.outcome.results[0]["requestId"]})


class Resets(unittest.TestCase):
    def test_a_timeout_is_reported_with_status_timeout_and_the_reset_reaches_the_extension(self):
        name = harness.unique_name("telemetry")
        outcome = harness.run(harness.misbehaving("sleeps-past-timeout"), "--timeout", "1",
                              "--extension", str(RECORDER), "--env", "RECORD_FILE=-",
                              name=name, events=[{"sleep": 30}, {}])
        recorded = harness.records(outcome.stderr)
        self.assertEqual(outcome.code, 4, outcome)
        self.assertEqual(len(recorded), 2, "one recorder before the reset, one after")
        first = events_of(recorded[0])
        done = next(e["record"] for e in first if e["type"] == "platform.runtimeDone")
        report = next(e["record"] for e in first if e["type"] == "platform.report")
        self.assertEqual((done["status"], done["errorType"]), ("timeout", "Sandbox.Timedout"))
        self.assertEqual(report["status"], "timeout")
        self.assertEqual(recorded[0]["shutdown"]["shutdownReason"], "timeout")
        second = events_of(recorded[1])
        init_start = next(e["record"] for e in second if e["type"] == "platform.initStart")
        self.assertEqual(init_start["phase"], "invoke", "the suppressed init after the reset")
        self.assertEqual(next(e["record"] for e in second if e["type"] == "platform.report")["status"], "success")
        harness.assert_nothing_left(self, name)


class Delivery(unittest.TestCase):
    def test_batches_respect_max_items_and_max_bytes(self):
        outcome, recorded, _, _ = run_recorded(CHATTY, events=[{"lines": 2500, "width": 20}],
                                               env=("TELEMETRY_MAX_ITEMS=1000", "TELEMETRY_TIMEOUT_MS=1000"))
        self.assertEqual(outcome.code, 0, outcome)
        sizes = [len(b["events"]) for b in recorded["batches"]]
        self.assertLessEqual(max(sizes), 1000)
        self.assertGreaterEqual(sum(1 for e in events_of(recorded) if e["type"] == "function"), 2500)
        self.assertGreaterEqual(len(sizes), 3, "2500 lines cannot fit in fewer than 3 batches of 1000")
        for batch in recorded["batches"]:
            self.assertLessEqual(len(json.dumps(batch["events"])), 262144 + 4096)

    def test_a_slow_consumer_gets_logs_dropped(self):
        outcome, recorded, _, _ = run_recorded(CHATTY, "--timeout", "10",
                                               events=[{"lines": 3000, "width": 1000}],
                                               env=("SLOW_CONSUMER_MS=150", "RECORD_WAIT_MS=1600"))
        self.assertEqual(outcome.code, 0, outcome)
        dropped = [e["record"] for e in events_of(recorded) if e["type"] == "platform.logsDropped"]
        self.assertTrue(dropped, "3 MB of logs against a 1 MB buffer and a slow consumer")
        self.assertGreater(dropped[0]["droppedRecords"], 0)
        self.assertGreater(dropped[0]["droppedBytes"], 0)
        self.assertIn("reason", dropped[0])

    def test_deliveries_are_retried_until_the_listener_is_up(self):
        outcome, recorded, _, _ = run_recorded(CHATTY, events=[{"lines": 1}], env=("LISTEN_DELAY_MS=400",))
        self.assertEqual(outcome.code, 0, outcome)
        types = [e["type"] for e in events_of(recorded)]
        self.assertEqual(types[0], "platform.initStart", "nothing was lost while the listener was down")
        self.assertIn("platform.report", types)

    def test_tcp_destination_gets_newline_delimited_json(self):
        outcome, recorded, _, _ = run_recorded(CHATTY, events=[{"lines": 2}], env=("TELEMETRY_PROTOCOL=TCP",))
        self.assertEqual(outcome.code, 0, outcome)
        types = [e["type"] for e in events_of(recorded)]
        self.assertIn("platform.report", types)
        self.assertIn("function", types)

    def test_invalid_subscription_is_a_validation_error(self):
        outcome, recorded, _, _ = run_recorded(CHATTY, events=[{}], env=("TELEMETRY_MAX_ITEMS=5", "TELEMETRY_TYPES=platform,gossip"))
        status, body = recorded["answers"]["subscribe"]
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body), {
            "errorMessage": "type gossip is not one of platform, function, extension; "
                            "buffering.maxItems should be between 1000 and 10000",
            "errorType": "ValidationError"})
        self.assertEqual(recorded["batches"], [])


if __name__ == "__main__":
    unittest.main()
