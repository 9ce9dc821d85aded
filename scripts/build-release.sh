#!/usr/bin/env bash
# Builds the optimized binary (build/release/src/switchboard) after installing what is
# missing; prints its path. Used by start.sh, the benchmark and the attack scripts. --bench
# also builds the live-call benchmarks' tools (build/release/bench/voice_load, speech_rtf, sip_load).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh "$@" >&2
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSB_TESTS=OFF >/dev/null
targets=(switchboard)
if [ "${1:-}" = "--bench" ]; then targets+=(voice_load speech_rtf sip_load); fi
cmake --build build/release --target "${targets[@]}" >&2
echo "$PWD/build/release/src/switchboard"
