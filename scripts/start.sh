#!/usr/bin/env bash
# Quick start: install what is missing, build an optimized binary, and run the server on the
# embedded SQLite database. Extra arguments go to `switchboard serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."

# Help comes first: it installs and builds nothing.
for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    echo "usage: scripts/start.sh [SERVE OPTIONS...]"
    echo "Installs what is missing (Debian 12), builds build/release/src/switchboard and runs"
    echo "'switchboard serve' with the options given. The options:"
    echo
    if [ -x build/release/src/switchboard ]; then
      exec build/release/src/switchboard serve --help
    fi
    echo "(not built yet: the full list comes from 'switchboard serve --help' after a build;"
    echo " the common ones are --host, --port, --data-dir, --public-url, --access-log;"
    echo " docs/binary.md describes them all)"
    exit 0
  fi
done

bin=$(scripts/build-release.sh)
exec "$bin" serve "$@"
