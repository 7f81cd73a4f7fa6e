#!/usr/bin/env bash
# Builds the compiled graceful-shutdown samples the tests run (samples/graceful-shutdown/): the Go
# and Rust functions from their committed go.sum and Cargo.lock, the Java function's jar. Each
# build is incremental: a second run takes a second or two. scripts/setup.sh installs the
# toolchains' dependencies first (Go modules, crates, Maven artifacts).
set -euo pipefail
cd "$(dirname "$0")/.."
# rustup's and Go's own folders, for a shell that was not started as a login shell (CI's).
export PATH="$PATH:$HOME/.cargo/bin:/usr/local/go/bin"
for language in go rust java; do
  echo "build-samples: $language"
  bash "samples/graceful-shutdown/$language/build.sh"
done
echo "build-samples: managed-instances go"
bash samples/managed-instances/go/build.sh
