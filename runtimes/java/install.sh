#!/usr/bin/env bash
# Installs AWS's Java runtime interface client and its dependencies into lib/ beside this script, at
# the versions pom.xml pins, and unpacks the client's JNI libraries into lib/jni/ (as Lambda's own
# java runtimes ship them, so the JVM can load one with
# -Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=... instead of
# the client copying it to /tmp). Extra arguments go to mvn.
# LAMBDA_EMU_OFFLINE=1: resolve from the local Maven repository only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
offline=()
if [[ "${LAMBDA_EMU_OFFLINE:-0}" == 1 ]]; then offline=(-o); fi
new="$here/lib.new"
rm -rf "$new"
mvn -q -B "${offline[@]}" -Dstyle.color=never -f "$here/pom.xml" "$@" \
  dependency:copy-dependencies -DoutputDirectory="$new" -DincludeScope=runtime
ric=("$new"/aws-lambda-java-runtime-interface-client-*.jar)
[[ -f "${ric[0]}" ]] || { echo "install.sh: Maven copied no runtime interface client" >&2; exit 1; }
if command -v unzip >/dev/null; then
  unzip -q -o "${ric[0]}" 'jni/*' -d "$new"
else
  (cd "$new" && jar xf "${ric[0]}" jni)
fi
[[ -f "$new/jni/libaws-lambda-jni.linux-x86_64.so" ]] || { echo "install.sh: no JNI library in the client" >&2; exit 1; }
# lib/ is replaced only by a complete install
rm -rf "$here/lib"
mv "$new" "$here/lib"
