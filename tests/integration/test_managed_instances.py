"""Lambda Managed Instances (`--max-concurrency N`) and tenant isolation (`--tenant-isolation`),
driven through `serve` with AWS's own runtime clients: the Node.js client 4.x (worker threads),
aws-lambda-go (goroutines) and the Python client (worker processes), and the AWS CLI for tenants
(docs/managed-instances.md)."""
import concurrent.futures
import json
import os
import pathlib
import re
import subprocess
import tempfile
import threading
import time
import unittest

import harness
import schema

SAMPLE = harness.SAMPLES / "managed-instances"
GO_BOOTSTRAP = SAMPLE / "go" / "bootstrap"
SCHEMA = json.loads((harness.ROOT / "docs" / "report.schema.json").read_text())
SDK = pathlib.Path(__file__).resolve().parent / "sdk"
# Managed Instances need 2048 MB at least.
MEMORY = ("--memory", "2048")


def invoke_all(serve, payloads, headers=None):
    """Every payload at once, one thread each: the answers in order, as (status, headers, body)."""
    with concurrent.futures.ThreadPoolExecutor(len(payloads)) as pool:
        return list(pool.map(lambda payload: serve.invoke(json.dumps(payload).encode(), headers), payloads))


def platform_order(stderr):
    """START and END lines in the order serve printed them: [("START", id), ("END", id), ...]."""
    return re.findall(r"(START|END) RequestId: ([0-9a-f-]{36})", stderr)


def shut_down(serve):
    status, _, body = serve.request("POST", "/lambda-emu/shutdown")
    return status, json.loads(body)


class ManagedInstancesNode(unittest.TestCase):
    """AWS's Node.js client 4.x switches to its multi-concurrent mode when AWS_LAMBDA_MAX_CONCURRENCY is set;
    Managed Instances run Node.js 22 with it too."""

    def serve(self, *args):
        return harness.Serve(SAMPLE / "node", "--runtime", "nodejs22.x", "--handler", "index.handler",
                             "--max-concurrency", "4", *MEMORY, *args)

    def test_four_slow_invocations_run_at_once_in_one_process(self):
        with self.serve("--timeout", "20") as serve:
            answers = invoke_all(serve, [{"sleepMs": 1500}] * 4)
            self.assertEqual([a[0] for a in answers], [200] * 4, answers)
            bodies = [json.loads(a[2]) for a in answers]
            self.assertEqual({b["maxConcurrency"] for b in bodies}, {"4"})
            # One process answered all four, and they overlapped: each started before any finished.
            self.assertEqual(len({(b["logStream"], b["pid"]) for b in bodies}), 1, bodies)
            self.assertLess(max(b["startedAt"] for b in bodies), min(b["finishedAt"] for b in bodies), bodies)
            status, report = shut_down(serve)
            code, _, stderr = serve.stop()
        self.assertEqual(status, 200)
        self.assertEqual(schema.errors(report, SCHEMA), [])
        # One environment served them all, and the platform's lines show them in flight together:
        # four STARTs before the first END.
        self.assertEqual(len(report["environments"]), 1, report)
        order = platform_order(stderr)
        first_end = next(i for i, (kind, _) in enumerate(order) if kind == "END")
        self.assertEqual([kind for kind, _ in order[:first_end]], ["START"] * 4, order)
        environment = report["environments"][0]["report"]
        self.assertEqual(environment["function"]["maxConcurrency"], 4)
        self.assertEqual(environment["function"]["runtime"]["client"], "aws-lambda-ric 4.0.2")
        self.assertEqual([i["outcome"] for i in environment["invocations"]], ["success"] * 4)
        self.assertEqual(code, 0, stderr)
        harness.assert_nothing_left(self, serve.name)

    def test_a_timeout_fails_that_invocation_alone_and_the_environment_stays(self):
        with self.serve("--timeout", "1.5") as serve:
            payloads = [{"sleepMs": 4000}, {"sleepMs": 800}, {"sleepMs": 1000}]
            answers = invoke_all(serve, payloads)
            slow, quick, other = answers
            self.assertEqual(slow[0], 200)
            self.assertEqual(slow[1].get("x-amz-function-error"), "Unhandled")
            self.assertEqual(json.loads(slow[2])["errorType"], "Sandbox.Timedout")
            self.assertIn("Task timed out after 1.50 seconds", json.loads(slow[2])["errorMessage"])
            for answer in (quick, other):
                self.assertEqual(answer[0], 200, answer)
                self.assertNotIn("x-amz-function-error", answer[1])
            # The same process serves on: no reset, no new Init.
            after = serve.invoke(b'{"sleepMs": 10}')
            self.assertEqual(json.loads(after[2])["pid"], json.loads(quick[2])["pid"])
            time.sleep(3) # the timed-out code runs on and answers late: 410 for it, nothing else
            status, report = shut_down(serve)
            code, _, stderr = serve.stop()
        environment = report["environments"][0]["report"]
        self.assertEqual(len(report["environments"]), 1)
        self.assertEqual(len(environment["inits"]), 1, "no suppressed Init: the environment was never reset")
        self.assertEqual(len(environment["shutdowns"]), 1, "only the final Shutdown phase")
        outcomes = sorted(i["outcome"] for i in environment["invocations"])
        self.assertEqual(outcomes, ["success", "success", "success", "timeout"])
        self.assertEqual(code, 4, stderr) # a timed-out invocation, as on demand
        # The late answer of the code that timed out was refused as Lambda refuses it.
        self.assertIn("Http response code: 410", stderr)

    def test_shutdown_with_invocations_in_flight_interrupts_them_and_signals_the_runtime(self):
        with self.serve("--timeout", "30", "--extension", "builtin:shutdown-listener") as serve:
            self.assertEqual(serve.invoke(b'{"sleepMs": 1}')[0], 200) # warm: Init is over
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                calls = [pool.submit(serve.invoke, b'{"sleepMs": 20000}') for _ in range(2)]
                time.sleep(1.5) # both delivered to the runtime's parked polls
                status, report = shut_down(serve)
                answers = [call.result(timeout=30) for call in calls]
            code, _, stderr = serve.stop()
        self.assertEqual(status, 200)
        for answer in answers:
            self.assertEqual(answer[1].get("x-amz-function-error"), "Unhandled", answer)
            self.assertEqual(json.loads(answer[2])["errorType"], "Emulator.Interrupted")
        environment = report["environments"][0]["report"]
        self.assertEqual([i["outcome"] for i in environment["invocations"]], ["success", "interrupted", "interrupted"])
        final = environment["shutdowns"][-1]
        self.assertEqual((final["reason"], final["final"]), ("spindown", True))
        runtime = next(p for p in final["processes"] if p["kind"] == "runtime")
        # An extension registered, so the runtime got SIGTERM before its SIGKILL deadline.
        self.assertIsNotNone(runtime["sigtermMs"], runtime)
        self.assertEqual(schema.errors(report, SCHEMA), [])
        harness.assert_nothing_left(self, serve.name)


class ManagedInstancesGo(unittest.TestCase):
    """aws-lambda-go polls with AWS_LAMBDA_MAX_CONCURRENCY goroutines."""

    @classmethod
    def setUpClass(cls):
        if not GO_BOOTSTRAP.exists():
            raise AssertionError("run scripts/build-samples.sh (it builds samples/managed-instances/go)")

    def test_four_invocations_at_once_in_one_go_process_then_a_clean_shutdown(self):
        with harness.Serve(GO_BOOTSTRAP, "--max-concurrency", "4", *MEMORY, "--timeout", "20",
                           "--extension", "builtin:shutdown-listener") as serve:
            answers = invoke_all(serve, [{"sleepMs": 1500}] * 4)
            bodies = [json.loads(a[2]) for a in answers]
            self.assertEqual({b["maxConcurrency"] for b in bodies}, {"4"})
            self.assertEqual(len({b["pid"] for b in bodies}), 1, bodies)
            self.assertEqual(len({b["requestId"] for b in bodies}), 4)
            self.assertLess(max(b["startedAt"] for b in bodies), min(b["finishedAt"] for b in bodies), bodies)
            status, report = shut_down(serve)
            code, _, stderr = serve.stop()
        order = platform_order(stderr)
        first_end = next(i for i, (kind, _) in enumerate(order) if kind == "END")
        self.assertEqual(first_end, 4, order)
        environment = report["environments"][0]["report"]
        self.assertEqual(len(report["environments"]), 1)
        self.assertEqual([i["outcome"] for i in environment["invocations"]], ["success"] * 4)
        self.assertEqual(code, 0, stderr)
        harness.assert_nothing_left(self, serve.name)

    def test_more_invocations_than_the_maximum_start_a_second_environment(self):
        with harness.Serve(GO_BOOTSTRAP, "--max-concurrency", "2", *MEMORY, "--concurrency", "2",
                           "--timeout", "20") as serve:
            answers = invoke_all(serve, [{"sleepMs": 1500}] * 4)
            streams = [json.loads(a[2])["logStream"] for a in answers]
            status, report = shut_down(serve)
            serve.stop()
        # Two environments, two invocations each: each filled before another started.
        self.assertEqual(len(set(streams)), 2, streams)
        self.assertEqual(sorted(streams.count(stream) for stream in set(streams)), [2, 2])
        self.assertEqual(len(report["environments"]), 2)


class ManagedInstancesPython(unittest.TestCase):
    """AWS's Python client forks AWS_LAMBDA_MAX_CONCURRENCY worker processes."""

    def test_three_invocations_at_once_in_three_workers_of_one_runtime(self):
        with harness.Serve(SAMPLE / "python", "--runtime", "python3.13", "--handler", "app.handler",
                           "--max-concurrency", "3", *MEMORY, "--timeout", "20") as serve:
            answers = invoke_all(serve, [{"sleepMs": 1500}] * 3)
            self.assertEqual([a[0] for a in answers], [200] * 3, answers)
            bodies = [json.loads(a[2]) for a in answers]
            status, report = shut_down(serve)
            code, _, stderr = serve.stop()
        self.assertEqual({b["maxConcurrency"] for b in bodies}, {"3"})
        # Three workers, children of the one runtime process, each ran one of them, together.
        self.assertEqual(len({b["pid"] for b in bodies}), 3, bodies)
        self.assertEqual(len({b["parentPid"] for b in bodies}), 1, bodies)
        self.assertLess(max(b["startedAt"] for b in bodies), min(b["finishedAt"] for b in bodies), bodies)
        self.assertEqual(len(report["environments"]), 1)
        self.assertEqual(code, 0, stderr)
        harness.assert_nothing_left(self, serve.name)


class ManagedInstancesRules(unittest.TestCase):
    def test_lambdas_limits_are_checked_before_anything_starts(self):
        for args, needle in [
            (("--max-concurrency", "4"), "greater than or equal to 2048"),
            (("--max-concurrency", "0", *MEMORY), "1 to 1600"),
            (("--max-concurrency", "2", *MEMORY, "--runtime", "nodejs20.x"), "nodejs22.x and later"),
        ]:
            with self.subTest(args=args):
                result = harness.run(SAMPLE / "node", *args)
                self.assertEqual(result.code, 2, result)
                self.assertIn(needle, result.stderr)


class TenantIsolation(unittest.TestCase):
    """--tenant-isolation: every invocation names its tenant, and environments serve one tenant each."""

    def sdk(self, serve, payload, *tenants):
        """AWS's JS SDK's InvokeCommand with TenantId, all at once: one answer per tenant ("-": none)."""
        done = subprocess.run(["node", str(SDK / "invoke_tenants.mjs"), serve.url, serve.name, payload, *tenants],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        return [json.loads(line) for line in done.stdout.splitlines()]

    def test_two_tenants_get_two_environments_and_are_never_mixed(self):
        with harness.Serve(SAMPLE / "node", "--runtime", "nodejs24.x", "--handler", "index.handler",
                           "--tenant-isolation", "--concurrency", "4", "--timeout", "20") as serve:
            # Under concurrent load, each answer comes from an environment of its own tenant.
            tenants = ["blue", "green"] * 6
            answers = self.sdk(serve, '{"sleepMs": 300}', *tenants)
            environments = {"blue": set(), "green": set()}
            for tenant, answer in zip(tenants, answers):
                self.assertEqual(answer["tenant"], tenant)
                self.assertIn("ok", answer, answer)
                # The runtime got the tenant as Lambda passes it (context.tenantId).
                self.assertEqual(answer["ok"]["tenantId"], tenant)
                environments[tenant].add(answer["ok"]["logStream"])
            self.assertEqual(environments["blue"] & environments["green"], set(), environments)

            # No tenant, or a malformed one: Lambda's InvalidParameterValueException, nothing runs.
            missing, = self.sdk(serve, "{}", "-")
            self.assertEqual((missing["error"]["name"], missing["error"]["status"]),
                             ("InvalidParameterValueException", 400), missing)
            self.assertIn("tenant", missing["error"]["message"].lower())
            status, headers, _ = serve.invoke(b"{}", {"X-Amz-Tenant-Id": "bad\ttenant"})
            self.assertEqual((status, headers["x-amzn-errortype"]), (400, "InvalidParameterValueException"))

            status, report = shut_down(serve)
            serve.stop()
        self.assertEqual(schema.errors(report, SCHEMA), [])
        by_tenant = {}
        for environment in report["environments"]:
            by_tenant.setdefault(environment["tenant"], []).append(environment)
        self.assertEqual(set(by_tenant), {"blue", "green"})
        self.assertEqual(sum(len(e["report"]["invocations"]) for e in report["environments"]), 12)
        for tenant, environments in by_tenant.items():
            for environment in environments:
                self.assertTrue(environment["report"]["function"]["tenantIsolation"])

    def test_a_tenant_id_for_a_function_without_tenant_isolation_is_refused(self):
        with harness.Serve(SAMPLE / "node", "--runtime", "nodejs24.x", "--handler", "index.handler") as serve:
            status, headers, body = serve.invoke(b"{}", {"X-Amz-Tenant-Id": "blue"})
            self.assertEqual((status, headers["x-amzn-errortype"]), (400, "InvalidParameterValueException"))
            self.assertEqual(serve.invoke(b"{}")[0], 200)


if __name__ == "__main__":
    unittest.main()
