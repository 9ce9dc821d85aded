#!/usr/bin/env bash
# Live-call benchmark (bench/voice.mjs) on the Release binary, the server pinned to CPU 0, the
# callers and the stand-ins on CPU 1: concurrent calls (greeting + 3 turns each) at each size,
# pacing lateness against the callers' own event-loop lag (the reference, same run), latency
# per turn, RSS per call. Then the built-in engines' real-time factors (bench/voice_builtin.sh).
#
#   bench/voice.sh [--calls 50,100,250,400] [--turns 3]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/build-release.sh --bench)
(cd tests/e2e && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
ulimit -n "$(ulimit -Hn)"
SWITCHBOARD_BIN="$bin" taskset -c 1 node bench/voice.mjs "$bin" "$@"
