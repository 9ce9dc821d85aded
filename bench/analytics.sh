#!/usr/bin/env bash
# POST /analytics over 1,000,000 calls on each backend (bench/analytics_bench.cpp): seeds the
# calls straight into a SQLite file (kept in BENCH_DIR: a second run skips its seeding) and a
# throwaway PostgreSQL cluster, then times a dashboard's query set: p50/p99 per query.
#
#   bench/analytics.sh [--calls 1000000] [--iterations 30]
#
# SB_BENCH_BUILD=build/test reuses an existing build tree instead of building build/release
# (the time is spent in SQLite and PostgreSQL, which are the system's libraries either way).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SB_BENCH_BUILD:-}
if [ -z "$build" ]; then
  scripts/install-deps.sh >&2
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSB_TESTS=OFF >/dev/null
  build=build/release
fi
cmake --build "$build" --target analytics_bench >&2
work=${BENCH_DIR:-/tmp/switchboard-analytics-bench}
mkdir -p "$work"
bench="$build/bench/analytics_bench"

taskset -c 1 "$bench" --database "$work/calls.db" "$@"

pg="$work/pg"
rm -rf "$pg"
url=$(scripts/postgres-test-server.sh start "$pg")
trap 'scripts/postgres-test-server.sh stop "$pg" >/dev/null 2>&1 || true' EXIT
taskset -c 1 "$bench" --database "$url" "$@"
