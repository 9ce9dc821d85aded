#!/usr/bin/env bash
# Streamed-chat benchmark (bench/chat.mjs) on the Release binary, server pinned to CPU 0, the
# LLM stand-in and the client on CPU 1. Prints the latency from the stand-in writing its first
# token to the client reading it — through Switchboard and, as the reference in the same run,
# straight from the stand-in — then 1,000 concurrent streamed chats: errors and RSS per chat.
#
#   bench/chat.sh [--chats 1000] [--concurrent 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/build-release.sh --bench)
(cd tests/e2e && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
ulimit -n "$(ulimit -Hn)"
taskset -c 1 node bench/chat.mjs "$bin" "$@"
