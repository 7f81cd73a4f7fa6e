"""bench_smoke: the benchmark runs with tiny counts and prints every figure, so it cannot rot.
It checks that figures exist and are numbers, never how fast anything is."""
import json
import subprocess
import sys
import tempfile

bench = sys.argv[1]
expected = []
for size in ("100B", "64KB", "1MB", "6MB"):
    expected += [f"invoke {size} {label} us" for label in ("p50", "p90", "p99", "max")]
    expected += [f"invoke {size} invocations/s", f"invoke {size} emulator CPU us/invocation"]
expected += ["logs to console MB/s", "logs to console emulator CPU ns/line",
             "emulator RSS MB (1 environment, after the run)"]
with_floor = [name for name in expected if "CPU" not in name and "RSS" not in name]

with tempfile.NamedTemporaryFile(suffix=".json") as report:
    printed = subprocess.run([bench, "--runs", "1", "--scale", "0.005", "--json", report.name],
                             capture_output=True, text=True, timeout=120)
    if printed.returncode != 0:
        sys.exit(f"serve_bench exited {printed.returncode}: {printed.stderr}")
    figures = json.load(open(report.name))["figures"]
missing = [name for name in expected if name not in printed.stdout or name not in figures]
if missing:
    sys.exit(f"serve_bench did not print: {missing}\n{printed.stdout}")
for name in expected:
    if not isinstance(figures[name]["median"], (int, float)):
        sys.exit(f"{name}: not a number")
for name in with_floor:
    if not figures[name].get("floor", 0) > 0:
        sys.exit(f"{name}: no floor")
print(f"bench_smoke: {len(expected)} figures printed, each with its floor where it has one")
