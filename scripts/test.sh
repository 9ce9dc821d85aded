#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks the layers and the formatting, builds
# with AddressSanitizer and UndefinedBehaviorSanitizer, runs the unit tests, checks the committed
# contract against the OpenAPI document (when ../shared/reference is present), and runs the
# end-to-end tests that drive the real binary through the official Vapi SDK, then audits the
# run for leaked secrets and attacks the binary with hostile clients; ends with half a minute of
# fuzzing per fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test

# Cheap checks first: folders include only the layers below them, and the code is formatted.
python3 scripts/check_layers.py
scripts/check-format.sh

build=build/test
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSB_SANITIZE=ON -DSB_WERROR=ON >/dev/null
cmake --build "$build"

# A throwaway PostgreSQL cluster: the storage suites run against it as well as SQLite, and
# never skip it here (they skip only when SB_TEST_POSTGRES_URL is unset).
postgres_dir=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
SB_TEST_POSTGRES_URL=$(scripts/postgres-test-server.sh start "$postgres_dir")
export SB_TEST_POSTGRES_URL
trap 'scripts/postgres-test-server.sh stop "$postgres_dir" || true; rm -rf "$postgres_dir"' EXIT

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
(cd "$build" && ctest --output-on-failure -j2)

reference=../shared/reference/vapi-openapi.json
if [ -f "$reference" ]; then
  python3 tools/gen_contract.py --openapi "$reference" --check
else
  echo "contract check skipped: $reference not present"
fi

(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
# Audit mode keeps every data dir and log of the run, then checks that no write-only secret
# the tests sent is in any of them in plaintext.
audit_dir=$(mktemp -d /tmp/switchboard-audit.XXXXXX)
SB_AUDIT_DIR="$audit_dir" SWITCHBOARD_BIN="$PWD/$build/src/switchboard" \
  node --test --test-concurrency=1 tests/e2e/
node tests/e2e/audit_secrets.mjs "$audit_dir"
rm -rf "$audit_dir"

# The whole end-to-end suite again with every server on the throwaway PostgreSQL cluster (a
# schema per server; see tests/e2e/harness.mjs): both backends pass the same suite. Files that
# need several instances on one database run only here.
SB_E2E_POSTGRES_URL="$SB_TEST_POSTGRES_URL" SWITCHBOARD_BIN="$PWD/$build/src/switchboard" \
  node --test --test-concurrency=1 tests/e2e/

# Hostile and sloppy clients against the real binary while a victim client keeps working.
python3 scripts/attack/hostile_clients.py --binary "$PWD/$build/src/switchboard"

# A short run of every fuzz target (30 s each; clang, libFuzzer, ASan+UBSan); longer runs with
# scripts/fuzz.sh --seconds N.
scripts/fuzz.sh --seconds 30
echo "All tests passed."
