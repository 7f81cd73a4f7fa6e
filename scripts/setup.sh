#!/usr/bin/env bash
# Installs what lambda-emu needs to build, run its samples and run its tests on Debian 12.
# Idempotent: packages already present are skipped, so a second run costs a few seconds.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev nlohmann-json3-dev libcli11-dev doctest-dev
  curl python3 nodejs npm
  # aws-lambda-ric builds native code on install
  autoconf automake libtool make
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm may come from outside Debian's packages on some machines: accept any working copy.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: system packages ready"

# AWS's official Node.js runtime interface client, for the test that runs it unchanged.
ric_sample="$(cd "$(dirname "$0")/.." && pwd)/samples/node-ric"
if ! grep -qs '"version": "3.3.0"' "$ric_sample/node_modules/aws-lambda-ric/package.json"; then
  echo "setup: installing aws-lambda-ric into samples/node-ric"
  (cd "$ric_sample" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: aws-lambda-ric ready"
