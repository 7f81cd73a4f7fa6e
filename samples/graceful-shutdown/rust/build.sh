#!/usr/bin/env bash
# Builds both functions and puts each binary where the emulator (and template.yaml's CodeUri)
# looks for it: <function>/bootstrap. LAMBDA_EMU_OFFLINE=1 builds without the network.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

cargo_args=(build --release --locked)
if [[ "${LAMBDA_EMU_OFFLINE:-}" == 1 ]]; then
  cargo_args+=(--offline)
fi
cargo "${cargo_args[@]}"

for function in external-extension internal-extension; do
  built="target/release/$function"
  if ! cmp -s "$built" "$function/bootstrap"; then
    cp -p "$built" "$function/bootstrap"
    echo "updated $function/bootstrap"
  fi
done
