"""Soak: many warm invocations through `serve` over one keep-alive connection, with a reset of
the environment (a full Shutdown phase and a cold start) every 1,000, must leave the emulator's
descriptor count and memory flat.

SOAK_INVOCATIONS sets the count (default 20,000; the long run documented in docs/performance.md is
SOAK_INVOCATIONS=1000000). The figures are printed on stderr either way."""
import http.client
import json
import os
import pathlib
import sys
import time
import unittest

import harness
from file_serve import FileServe

MINIMAL_RUNTIME = os.environ.get("LAMBDA_EMU_MINIMAL_RUNTIME",
                                 str(pathlib.Path(harness.EMULATOR).parent / "bench" / "minimal_runtime"))
# Under ASan an invocation costs ten times the CPU: fewer rounds, the same checks.
INVOCATIONS = int(os.environ.get("SOAK_INVOCATIONS", "4000" if harness.SANITIZED else "20000"))
RESET_EVERY = 1000


def rss_kb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled_sample(connection, pid):
    """RSS and descriptors once the last answer is fully handled: the session reads the next
    request (this health check) only after its previous answer's after-sent work is done."""
    connection.request("GET", "/lambda-emu/health")
    response = connection.getresponse()
    response.read()
    return rss_kb(pid), descriptors(pid)


class Soak(unittest.TestCase):
    def test_descriptors_and_memory_stay_flat_over_warm_invocations_and_resets(self):
        self.assertGreaterEqual(INVOCATIONS, 2 * RESET_EVERY, "SOAK_INVOCATIONS: at least two rounds")
        harness.measure_memory_under_asan()
        with FileServe(MINIMAL_RUNTIME) as serve:
            pid = serve.process.pid
            path = f"/2015-03-31/functions/{serve.name}/invocations"
            connection = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=60)
            samples = {"start": (rss_kb(pid), descriptors(pid))}
            started = time.monotonic()
            environment = 1
            try:
                for n in range(1, INVOCATIONS + 1):
                    connection.request("POST", path, b'{"n": %d}' % n)
                    response = connection.getresponse()
                    body = response.read()
                    if response.status != 200 or body != b'{"n": %d}' % n:
                        self.fail(f"invocation {n}: {response.status} {body[:200]!r}")
                    if n % RESET_EVERY == 0:
                        # A reset: the environment's full Shutdown phase; the next call starts a new one.
                        connection.request("POST", f"/lambda-emu/shutdown?environment={environment}")
                        response = connection.getresponse()
                        response.read()
                        self.assertEqual(response.status, 200, f"reset {environment}")
                        environment += 1
                        serve.forget_log()
                        if n == RESET_EVERY:
                            samples["warm"] = settled_sample(connection, pid)
                elapsed = time.monotonic() - started
                samples["end"] = settled_sample(connection, pid)
            finally:
                connection.close()
            status, _, report = serve.request("GET", "/lambda-emu/report")
            code, _, stderr = serve.stop()
        figures = (f"soak: {INVOCATIONS} invocations, a reset every {RESET_EVERY}, in {elapsed:.1f} s "
                   f"({INVOCATIONS / elapsed:.0f}/s); " +
                   "; ".join(f"{name}: RSS {rss / 1024:.1f} MB, {fds} descriptors"
                             for name, (rss, fds) in samples.items()))
        print(figures, file=sys.stderr)
        warm_rss, warm_fds = samples["warm"]
        end_rss, end_fds = samples["end"]
        # The same state at both points: the environment just spun down, the caller connected.
        self.assertLessEqual(abs(end_fds - warm_fds), 1, figures)
        # Nothing grows per invocation; each spun-down environment's own report stays (its
        # function, Init, Shutdown phase and summary: about 10 KB with the allocator's share).
        resets = INVOCATIONS // RESET_EVERY - 1
        self.assertLess(end_rss - warm_rss, 2 * 1024 + 16 * resets, figures)

        self.assertEqual(status, 200)
        self.assertEqual(code, 0, stderr[-3000:])
        environments = json.loads(report)["environments"]
        self.assertEqual(sum(e["report"]["invocationSummary"]["count"] for e in environments), INVOCATIONS)
        self.assertEqual(sum(len(e["report"]["invocations"]) for e in environments), RESET_EVERY)


if __name__ == "__main__":
    unittest.main()
