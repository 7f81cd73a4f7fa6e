#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and passes every test: the format check, unit and integration
# tests on the normal build (warnings are errors), then again under ASan + UBSan, then a short
# run of every libFuzzer target (a finding fails it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-samples.sh
bash scripts/check-format.sh
bash scripts/build.sh release
(cd build && ctest --output-on-failure -j2)
bash scripts/build.sh sanitize
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=1:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87 \
  ctest --output-on-failure -j2)
bash scripts/fuzz.sh 20
