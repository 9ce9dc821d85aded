#!/usr/bin/env bash
# Quick start: install what is missing, build an optimized binary, and run the server on the
# embedded SQLite database. Extra arguments go to `switchboard serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSB_TESTS=OFF >/dev/null
cmake --build build/release --target switchboard
exec build/release/src/switchboard serve "$@"
