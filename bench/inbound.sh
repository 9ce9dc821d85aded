#!/usr/bin/env bash
# Inbound-call routing benchmark (bench/inbound.mjs) on the Release binary, server pinned to
# CPU 0. Prints calls/s and the server's p50/p99 per routed call.
#
#   bench/inbound.sh [--rings 5000] [--concurrency 8]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/build-release.sh --bench)
(cd tests/e2e && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
taskset -c 1 node bench/inbound.mjs "$bin" "$@"
