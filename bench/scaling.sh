#!/usr/bin/env bash
# Benchmark: one PostgreSQL database, one instance against two. Starts a throwaway PostgreSQL
# cluster (scripts/postgres-test-server.sh --durable: fsync on) and, in alternating rounds,
# runs bench/webhooks.sh with --instances 1 and --instances 2 on it (messages delivered per
# second, end to end, to a local receiver); then starts two instances on it and runs
# bench/invalidation.mjs (the delay from a write on instance A until instance B's cached read
# shows it).
#
#   bench/scaling.sh [--duration 10] [--connections 32] [--rounds 2] [--spread]
#                    [--delay-rounds 500]
#
# --spread is passed to webhooks.sh (instance i on CPU i-1, the load generator and receiver
# unpinned); without it every instance runs on CPU 0 and wrk and the receiver on CPU 1.
# PostgreSQL is not pinned. SWITCHBOARD_BIN picks the binary (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10 connections=32 rounds=2 delay_rounds=500
hook_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --delay-rounds) delay_rounds="$2"; shift 2 ;;
    --spread) hook_args+=(--spread); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
bin=${SWITCHBOARD_BIN:-$(scripts/build-release.sh --bench)}
export SWITCHBOARD_BIN=$bin

work=$(mktemp -d /tmp/switchboard-scaling.XXXXXX)
chmod 755 "$work"  # as root the cluster runs as `postgres`, which must reach its directory
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/postgres-test-server.sh stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
database=$(scripts/postgres-test-server.sh start "$work/pg" --durable)

rate() { sed -n 's/^delivered: .* = \([0-9,]*\) messages\/s.*/\1/p' "$1" | tr -d ,; }
declare -A rates
for r in $(seq "$rounds"); do
  for n in 1 2; do
    out="$work/webhooks-$r-$n.out"
    bench/webhooks.sh --duration "$duration" --connections "$connections" --database "$database" \
      --instances "$n" "${hook_args[@]}" >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
    echo "--- round $r, $n instance(s)"
    cat "$out"
    rates[$r.$n]=$(rate "$out")
  done
done

# --- the delay between instances, on a schema of its own --------------------------------------
schema="delay_$(python3 -c 'import uuid; print(uuid.uuid4().hex)')"
psql "$database" -qc "CREATE SCHEMA $schema"
case "$database" in *\?*) sep='&' ;; *) sep='?' ;; esac
key=$(python3 -c 'import uuid; print(uuid.uuid4())')
# Instances on one database must seal provider secrets with one key.
SWITCHBOARD_SECRET_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export SWITCHBOARD_SECRET_KEY
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bases=()
for name in a b; do
  port=$(free_port)
  # One after the other: the first makes the org (and its key) on the empty schema.
  SWITCHBOARD_API_KEY="$key" taskset -c 0 "$bin" serve --port "$port" --data-dir "$work/$name" \
    --database "${database}${sep}options=-csearch_path%3D$schema" --access-log off \
    --log-level warn >"$work/$name.out" 2>&1 &
  pids+=($!)
  bases+=("http://127.0.0.1:$port")
  for _ in $(seq 200); do curl -sf "${bases[-1]}/health" >/dev/null && break; sleep 0.05; done
  curl -sf "${bases[-1]}/health" >/dev/null || { cat "$work/$name.out" >&2; exit 1; }
done
echo "--- cache delay between instances ($delay_rounds writes on A, each read back on B)"
taskset -c 1 node bench/invalidation.mjs "${bases[0]}" "${bases[1]}" "$key" "$delay_rounds"

echo "--- webhook deliveries per second, 1 instance -> 2 instances"
for r in $(seq "$rounds"); do
  python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'round $r: {a:,.0f} -> {b:,.0f} ({b / a:.2f}x)')" \
    "${rates[$r.1]}" "${rates[$r.2]}"
done
