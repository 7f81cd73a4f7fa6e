#!/usr/bin/env bash
# Fails when a tracked C++ file is not as clang-format (Debian 12's, 14) would write it, naming
# each such file. Fix with: clang-format -i FILE (the style is .clang-format at the root).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
unformatted=()
for file in "${files[@]}"; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if ((${#unformatted[@]})); then
  echo "format: not clang-formatted (run clang-format -i on them): ${unformatted[*]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files clang-formatted"
