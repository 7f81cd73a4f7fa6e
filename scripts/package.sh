#!/usr/bin/env bash
# Makes the release archive and the Debian package from one installed tree of a build:
#   OUT/lambda-emu-VERSION-linux-ARCH.tar.gz   unpack anywhere, run bin/lambda-emu
#   OUT/lambda-emu_VERSION_DEBARCH.deb         the same files under /usr
# Both run on any Linux with glibc 2.34 or later (Debian 12, Ubuntu 22.04 and on): the shared
# libraries the binary links, but glibc's, are inside (lib/lambda-emu/lib), and so are the managed
# runtimes' clients that scripts/setup.sh installed (share/lambda-emu/runtimes). The runtimes'
# interpreters (node, python3, java) are the machine's own, as with a checkout.
#
#   scripts/package.sh [OUT]     # OUT defaults to dist/; the build is build/ (scripts/build.sh)
# or the one LAMBDA_EMU_BUILD_DIR names.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)
build=${LAMBDA_EMU_BUILD_DIR:-$root/build}   # another build (build-sanitize, say) when set
version=$(sed -n 's/^project(lambda_emu VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
arch=$(uname -m)
deb_arch=$(dpkg --print-architecture)

[[ -f $build/build.ninja ]] || { echo "package: no build in $build: run scripts/build.sh first" >&2; exit 2; }
ninja -C "$build" lambda-emu man_page >/dev/null

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
name=lambda-emu-$version-linux-$arch
cmake --install "$build" --prefix "$stage/$name" --strip >/dev/null
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"

mkdir -p "$stage/deb/usr" "$stage/deb/DEBIAN"
cp -a "$stage/$name/." "$stage/deb/usr/"
cat > "$stage/deb/DEBIAN/control" <<EOF
Package: lambda-emu
Version: $version
Architecture: $deb_arch
Maintainer: lambda-emu maintainers <lambda-emu@localhost>
Depends: libc6 (>= 2.34)
Suggests: nodejs, python3, default-jre-headless
Section: devel
Priority: optional
Installed-Size: $(du -sk "$stage/deb/usr" | cut -f1)
Description: Local AWS Lambda lifecycle emulator (Init, Invoke, Shutdown)
 Runs a Lambda function's bootstrap or managed runtime and its extensions through Init,
 invocations and the Shutdown phase as Lambda does, serves the Runtime, Extensions, Telemetry,
 Logs and Invoke APIs on 127.0.0.1, and reports every process's cleanup as a table, JSON, JUnit
 and HTML.
EOF
dpkg-deb --root-owner-group --build "$stage/deb" "$out/lambda-emu_${version}_$deb_arch.deb" >/dev/null
echo "package: $out/$name.tar.gz"
echo "package: $out/lambda-emu_${version}_$deb_arch.deb"
