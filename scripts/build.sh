#!/usr/bin/env bash
# Configures and builds one flavour of lambda-emu: `build.sh` (warnings are errors) or
# `build.sh sanitize` (AddressSanitizer + UndefinedBehaviorSanitizer, in build-sanitize/); targets
# after the flavour build only those (`build.sh release lambda-emu`: the binary alone).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
case "$flavour" in
  release)  dir=build;          flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  sanitize) dir=build-sanitize; flags=(-DCMAKE_BUILD_TYPE=Debug -DLAMBDA_EMU_SANITIZE=ON) ;;
  *) echo "usage: build.sh [release|sanitize]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja -DLAMBDA_EMU_WERROR=ON "${flags[@]}" > /dev/null
ninja -C "$dir" "${@:2}"
