#!/usr/bin/env bash
# Builds HelloWorldFunction/target/hello-world.jar, the code the template's CodeUri names.
# LAMBDA_EMU_OFFLINE=1: resolve from the local Maven repository only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
offline=()
if [[ "${LAMBDA_EMU_OFFLINE:-0}" == 1 ]]; then offline=(-o); fi
mvn -q -B "${offline[@]}" -Dstyle.color=never -f "$here/HelloWorldFunction/pom.xml" "$@" package
ls "$here/HelloWorldFunction/target/hello-world.jar" >/dev/null
