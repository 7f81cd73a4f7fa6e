#!/usr/bin/env bash
# Sets everything up and runs the Node.js sample through Init, three invocations and the
# Shutdown phase, ending with the cleanup report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release > /dev/null
events="$(mktemp -d)"
trap 'rm -rf "$events"' EXIT
for n in 1 2 3; do echo "{\"order\": $n}" > "$events/order-$n.json"; done
set +e
./build/lambda-emu run samples/node-runtime/bootstrap --handler index.handler \
  --env FLUSH_FILE="$events/flushed.jsonl" \
  --event "$events/order-1.json" --event "$events/order-2.json" --event "$events/order-3.json"
code=$?
set -e
echo "lambda-emu exited with $code"
exit "$code"
