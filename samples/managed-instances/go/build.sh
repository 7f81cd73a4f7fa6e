#!/bin/bash
# Builds the function to bootstrap, the executable a provided.al2023 function runs.
# LAMBDA_EMU_OFFLINE=1: use only the local module cache (GOPROXY=off), download nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ "${LAMBDA_EMU_OFFLINE:-0}" == 1 ]]; then
  export GOPROXY=off
fi
export CGO_ENABLED=0
echo "building managed-instances/go/bootstrap"
go build -tags lambda.norpc -trimpath -mod=readonly -o bootstrap .
