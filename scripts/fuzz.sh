#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang in build-fuzz/ and runs each for SECONDS
# (default 20) from its seed corpus and the saved regressions. Exits non-zero on any finding and
# prints where the reproducer is. Needs what scripts/setup.sh installs (clang, libclang-rt-14-dev).
#
#   scripts/fuzz.sh            # 20 s a target: a smoke run, as CI does
#   scripts/fuzz.sh 3600       # an hour a target
# Extra libFuzzer flags for every target go in LAMBDA_EMU_FUZZ_FLAGS, e.g. "-jobs=2 -workers=2".
set -euo pipefail

seconds=${1:-20}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
targets=(http_apis json_bodies percent_decoding line_reader event_stream)

# Not a unity build: this one compiles every file on its own, so a missing #include shows.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DLAMBDA_EMU_FUZZ=ON -DBUILD_TESTING=OFF -DLAMBDA_EMU_UNITY=OFF >/dev/null
ninja -C "$build" fuzz

declare -A dictionary=([http_apis]=http_apis.dict [json_bodies]=json.dict)
failed=()
for target in "${targets[@]}"; do
  # New inputs accumulate in build-fuzz/corpus/ (the first directory); the seeds in the tree stay as they are.
  corpus=$build/corpus/$target
  findings=$build/findings/$target
  log=$build/fuzz-$target.log
  mkdir -p "$corpus" "$findings"
  flags=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/")
  [[ -n ${dictionary[$target]:-} ]] && flags+=(-dict="$root/fuzz/${dictionary[$target]}")
  # shellcheck disable=SC2206 # word splitting of the extra flags is wanted
  flags+=(${LAMBDA_EMU_FUZZ_FLAGS:-})
  echo "fuzz: $target for ${seconds}s"
  status=0
  "$build/fuzz/fuzz_$target" "${flags[@]}" "$corpus" "$root/fuzz/corpus/$target" "$root/fuzz/regressions/$target" \
    >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | sed "s/^/fuzz: $target: /" || true
  if ((status != 0)); then
    failed+=("$target")
    echo "fuzz: $target FOUND A PROBLEM (exit $status); log: $log" >&2
    grep -E 'ERROR: |what\(\):|SUMMARY:' "$log" | head -5 | sed 's/^/    /' >&2 || true
    grep -oE "Test unit written to .*" "$log" | sed 's/^Test unit written to /    reproducer: /' >&2 || true
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}: replay one with $build/fuzz/fuzz_TARGET FILE; save it under fuzz/regressions/TARGET/" >&2
  exit 1
fi
echo "fuzz: no finding in ${#targets[@]} targets (${seconds}s each)"
