#!/usr/bin/env bash
# Sets everything up and runs the Node.js sample (a connection opened before the handler, records
# buffered by it, flushed on SIGTERM) with an external extension, so Lambda sends SIGTERM: Init,
# three invocations, the Shutdown phase, the cleanup report, and the flushed file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --demo
bash scripts/build.sh release lambda-emu > /dev/null   # the binary alone: tests and benchmarks come with scripts/test.sh
events="$(mktemp -d)"
trap 'rm -rf "$events"' EXIT
for n in 1 2 3; do echo "{\"order\": $n}" > "$events/order-$n.json"; done
set +e
# --sandbox off: the handler flushes to a file of this machine's /tmp that this script shows below;
# in the sandbox (as on Lambda) only the environment's own /tmp is writable, and it goes with it.
./build/lambda-emu run samples/node-runtime/bootstrap --handler index.handler --sandbox off \
  --extension samples/extensions/shutdown-logger --env FLUSH_FILE="$events/flushed.jsonl" \
  --event "$events/order-1.json" --event "$events/order-2.json" --event "$events/order-3.json" \
  --report "$events/report.json"
code=$?
set -e
echo
echo "== what the SIGTERM handler flushed ($events/flushed.jsonl):"
cat "$events/flushed.jsonl" 2>/dev/null || echo "(nothing: the runtime never got to flush)"
echo "== the runtime's entry in the JSON report:"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(json.dumps(r["shutdowns"][-1]["processes"][0], indent=2))' "$events/report.json"
echo "lambda-emu exited with $code"
exit "$code"
