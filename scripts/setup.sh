#!/usr/bin/env bash
# Installs what lambda-emu needs to build, run its samples and run its tests on Debian 12.
# `setup.sh --demo`: only what the demo needs (the compiler, the libraries, Node.js), a minute or
# two on a fresh machine instead of ten. Idempotent: what is present is skipped, so a second run
# costs a few seconds.
set -euo pipefail
demo_only=0
[[ "${1:-}" == --demo ]] && demo_only=1

packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev nlohmann-json3-dev libcli11-dev doctest-dev
  # payload validation at GB/s (large invocations)
  libsimdjson-dev
  curl python3 nodejs
  # SAM templates
  libyaml-cpp-dev
  # --layer: a layer's .zip is unpacked with libarchive (secure extraction, counted as it goes),
  # linked statically with the compression libraries it calls (CMakeLists.txt says why)
  libarchive-dev libacl1-dev libzstd-dev liblz4-dev libxml2-dev nettle-dev liblzma-dev libbz2-dev zlib1g-dev
)
test_packages=(
  npm
  # the batching sample's integration test runs a real PostgreSQL server
  postgresql
  # serve's tests call it with the AWS CLI, unchanged
  awscli
  # aws-lambda-ric builds native code on install
  autoconf automake libtool make
  # scripts/fuzz.sh: libFuzzer and the sanitizers' runtimes come with Debian's clang
  clang libclang-rt-14-dev
  # scripts/check-format.sh
  clang-format
  # the man page, generated from --help at build time; the HTML report's browser test
  help2man chromium
  # the release archive's test unpacks it into a clean Debian 13 root that debootstrap makes
  debootstrap
  # the CI example's test reads the workflow's YAML
  python3-yaml
  # the tests check every JSON report against docs/report.schema.json
  python3-jsonschema
)
((demo_only)) || packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm may come from outside Debian's packages on some machines: accept any working copy.
filtered=()
for p in "${missing[@]}"; do
  [[ $p == nodejs ]] && command -v node >/dev/null && continue
  [[ $p == npm ]] && command -v npm >/dev/null && continue
  filtered+=("$p")
done
missing=("${filtered[@]}")
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: system packages ready"
if ((demo_only)); then
  echo "setup: ready for the demo (scripts/setup.sh without --demo sets up the tests)"
  exit 0
fi

# The samples' npm dependencies, from their lock files: AWS's official Node.js runtime interface
# client (run unchanged by a test) and the PostgreSQL client of the batching sample.
samples="$(cd "$(dirname "$0")/.." && pwd)/samples"
install_npm_sample() { # folder, a file that exists once installed
  if [[ ! -e "$samples/$1/node_modules/$2" ]]; then
    echo "setup: npm ci in samples/$1"
    (cd "$samples/$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
install_npm_sample node-ric aws-lambda-ric/dist/rapid-client.node
install_npm_sample node-postgres pg/package.json
echo "setup: sample npm packages ready"

# The managed runtimes' clients (`--runtime nodejs22.x`): AWS's aws-lambda-ric at the versions
# runtimes/nodejs/package-lock.json pins, installed again whenever that lock file changes.
node_runtime="$(cd "$(dirname "$0")/.." && pwd)/runtimes/nodejs"
if ! cmp -s "$node_runtime/package-lock.json" "$node_runtime/node_modules/.installed-lock.json"; then
  echo "setup: npm ci in runtimes/nodejs (builds the clients' native code; a few minutes)"
  (cd "$node_runtime" && npm ci --no-audit --no-fund --loglevel=error &&
    cp package-lock.json node_modules/.installed-lock.json)
fi
# HashiCorp's HCL parser (its WASM build, @cdktf/hcl2json) that `--terraform DIR` reads .tf files
# with, at the version runtimes/terraform/package-lock.json pins: nothing is downloaded at run time.
terraform_parser="$(cd "$(dirname "$0")/.." && pwd)/runtimes/terraform"
if ! cmp -s "$terraform_parser/package-lock.json" "$terraform_parser/node_modules/.installed-lock.json"; then
  echo "setup: npm ci in runtimes/terraform"
  (cd "$terraform_parser" && npm ci --no-audit --no-fund --loglevel=error &&
    cp package-lock.json node_modules/.installed-lock.json)
fi
# Python's (`--runtime python3.12`): AWS's awslambdaric and its dependencies at the versions
# runtimes/python/requirements.txt pins, as wheels for the machine's python3.
python_runtime="$(cd "$(dirname "$0")/.." && pwd)/runtimes/python"
if ! cmp -s "$python_runtime/requirements.txt" "$python_runtime/site-packages/.installed-requirements.txt"; then
  echo "setup: pip install awslambdaric into runtimes/python"
  rm -rf "$python_runtime/site-packages"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
    --target "$python_runtime/site-packages" -r "$python_runtime/requirements.txt"
  cp "$python_runtime/requirements.txt" "$python_runtime/site-packages/.installed-requirements.txt"
fi
# Java's (`--runtime java17`): AWS's aws-lambda-java-runtime-interface-client and its dependencies
# at the versions runtimes/java/pom.xml pins, from Maven Central.
java_runtime="$(cd "$(dirname "$0")/.." && pwd)/runtimes/java"
if ! cmp -s "$java_runtime/pom.xml" "$java_runtime/lib/.installed-pom.xml"; then
  echo "setup: Maven: aws-lambda-java-runtime-interface-client into runtimes/java"
  bash "$java_runtime/install.sh"
  cp "$java_runtime/pom.xml" "$java_runtime/lib/.installed-pom.xml"
fi
echo "setup: managed runtime clients ready"
# The compiled graceful-shutdown samples' dependencies, from their lock files (go.sum, Cargo.lock):
# scripts/build-samples.sh then builds them.
export PATH="$PATH:$HOME/.cargo/bin:/usr/local/go/bin"
(cd "$samples/graceful-shutdown/go" && go mod download)
(cd "$samples/managed-instances/go" && go mod download)
(cd "$samples/graceful-shutdown/rust" && cargo fetch --locked --quiet)
echo "setup: sample Go modules and crates ready"
# AWS's SDK for JavaScript v3 (@aws-sdk/client-lambda), from its lock file: the tests call
# InvokeWithResponseStream on serve with it (tests/integration/sdk/).
sdk="$(cd "$(dirname "$0")/.." && pwd)/tests/integration/sdk"
if [[ ! -e "$sdk/node_modules/@aws-sdk/client-lambda/package.json" ]]; then
  echo "setup: npm ci in tests/integration/sdk"
  (cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The test helpers of clients/: the Node.js package's dependencies and its Jest and Vitest
# examples' (from their lock files), and a venv with boto3, pytest and the Python package
# (requirements-test.txt pins them), each installed again when what pins it changes.
clients="$(cd "$(dirname "$0")/.." && pwd)/clients"
for folder in node node/examples/jest node/examples/vitest; do
  if ! cmp -s "$clients/$folder/package-lock.json" "$clients/$folder/node_modules/.installed-lock.json"; then
    echo "setup: npm ci in clients/$folder"
    (cd "$clients/$folder" && npm ci --no-audit --no-fund --loglevel=error &&
      cp package-lock.json node_modules/.installed-lock.json)
  fi
done
venv="$clients/python/.venv"
if ! cat "$clients/python/requirements-test.txt" "$clients/python/pyproject.toml" | cmp -s - "$venv/.installed"; then
  echo "setup: venv with boto3, pytest and lambda_emu in clients/python/.venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$clients/python/requirements-test.txt"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -e "$clients/python"
  cat "$clients/python/requirements-test.txt" "$clients/python/pyproject.toml" > "$venv/.installed"
fi
echo "setup: test npm packages ready"
# The tests' python3 may not be Debian's (a pyenv one, say): it gets jsonschema from PyPI then.
if ! python3 -c "import jsonschema" 2>/dev/null; then
  echo "setup: pip install jsonschema for $(command -v python3)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "jsonschema>=4,<5"
fi
# A clean Debian 13 (minbase and Debian's nodejs: no compiler, no Boost) that the release
# archive's test unpacks the archive into and runs a Node.js function in (about 100 s, once).
release_root="$(cd "$(dirname "$0")/.." && pwd)/build-roots/debian13"
if [[ ! -x $release_root/usr/bin/node ]]; then
  echo "setup: debootstrap Debian 13 into build-roots/debian13"
  rm -rf "$release_root" && mkdir -p "$release_root"
  debootstrap --variant=minbase --include=nodejs trixie "$release_root" http://deb.debian.org/debian >/dev/null
fi
echo "setup: Debian 13 root ready"
