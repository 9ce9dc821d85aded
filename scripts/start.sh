#!/usr/bin/env bash
# Quick start: install what is missing, build an optimized binary, and run the server on the
# embedded SQLite database. Extra arguments go to `switchboard serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/build-release.sh)
exec "$bin" serve "$@"
