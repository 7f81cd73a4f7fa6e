"""bench_smoke: the benchmark runs with tiny counts and prints every figure, so it cannot rot.
It checks that figures exist and are numbers, with their floor where they have one, never how
fast anything is."""
import json
import subprocess
import sys
import tempfile

bench = sys.argv[1]
with_floor, without_floor = [], []
for prefix in ("invoke", "invoke with 1 extension"):
    for size in ("100B", "64KB", "1MB", "6MB"):
        with_floor += [f"{prefix} {size} {label} us" for label in ("p50", "p90", "p99", "max")]
        with_floor.append(f"{prefix} {size} invocations/s")
        without_floor.append(f"{prefix} {size} emulator CPU us/invocation")
for concurrency in (1, 2, 4):
    with_floor += [f"throughput 100B, {clients} clients, --concurrency {concurrency}, invocations/s"
                   for clients in (1, 4, 16)]
for logs in ("logs to console", "logs with a Telemetry subscriber"):
    with_floor += [f"{logs} MB/s", f"{logs} lines/s"]
    without_floor.append(f"{logs} emulator CPU ns/line")
without_floor += ["logs with a Telemetry subscriber: records received",
                  "logs with a Telemetry subscriber: records dropped (platform.logsDropped)"]
with_floor.append("run of one event, start to end of Shutdown, ms (median)")
with_floor.append("the same run in the sandbox, ms (median; floor: without it)")
with_floor += [f"shutdown: SIGKILL sent minus its deadline, {label} us" for label in ("p50", "p99", "max")]
without_floor += ["emulator RSS MB, 1 environment", "emulator RSS MB, 64 environments", "long run: invocations",
                  "long run: emulator RSS MB before", "long run: emulator RSS MB after",
                  "long run: emulator RSS growth, bytes/invocation"]

with tempfile.NamedTemporaryFile(suffix=".json") as report:
    printed = subprocess.run([bench, "--runs", "1", "--scale", "0.005", "--json", report.name],
                             capture_output=True, text=True, timeout=300)
    if printed.returncode != 0:
        sys.exit(f"serve_bench exited {printed.returncode}: {printed.stderr}")
    figures = json.load(open(report.name))["figures"]
expected = with_floor + without_floor
missing = [name for name in expected if name not in printed.stdout or name not in figures]
if missing:
    sys.exit(f"serve_bench did not print: {missing}\n{printed.stdout}")
unexpected = sorted(set(figures) - set(expected))
if unexpected:
    sys.exit(f"serve_bench printed figures this test does not know (add them here): {unexpected}")
for name in expected:
    if not isinstance(figures[name]["median"], (int, float)):
        sys.exit(f"{name}: not a number")
for name in with_floor:
    if not figures[name].get("floor", 0) > 0:
        sys.exit(f"{name}: no floor")
for name in without_floor:
    if "floor" in figures[name]:
        sys.exit(f"{name}: a floor where none was expected")
print(f"bench_smoke: {len(expected)} figures printed, each with its floor where it has one")
