#!/usr/bin/env bash
# Benchmark: webhook throughput with the outbox durable. wrk creates sessions (POST /session)
# as fast as the server takes them; each create commits one session.created message to the
# outbox in its own write job, and the dispatcher delivers it to a local receiver
# (bench/webhook_receiver.mjs), which times every message from its enqueue (its `timestamp`)
# to its arrival.
#
#   bench/webhooks.sh [--duration 10] [--connections 32] [--database postgres://...]
#                     [--instances 1|2] [--spread]
#
# --database runs the server(s) on that PostgreSQL database (a fresh schema, dropped after);
# --instances 2 (PostgreSQL only) starts two servers on it, each with half the connections
# creating sessions, both delivering (they claim from one outbox).
# Pinning: the server(s) on CPU 0, wrk and the receiver on CPU 1; with --spread, instance i on
# CPU i-1 (so two instances get both cores) and wrk and the receiver on no CPU in particular.
#
# SWITCHBOARD_BIN picks the binary (default: the release build, built if needed). Prints the
# enqueue rate, the delivery rate (messages delivered / time from the first delivery to the
# last), p50/p99/max enqueue→delivery, and duplicates seen.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections=32
database=""
instances=1
server_cpu() { echo 0; }
client_pin=(taskset -c 1)
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    --instances) instances="$2"; shift 2 ;;
    --spread) server_cpu() { echo $(($1 - 1)); }; client_pin=(); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

case "$instances" in 1) ;; 2) [ -n "$database" ] || { echo "--instances 2 needs --database" >&2; exit 2; } ;;
  *) echo "--instances must be 1 or 2" >&2; exit 2 ;; esac

bin=${SWITCHBOARD_BIN:-$(scripts/build-release.sh --bench)}
work=$(mktemp -d /tmp/switchboard-webhooks.XXXXXX)
server_pids=() receiver_pid="" schema=""
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$schema" ] && psql "$database" -qc "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
database_args=()
if [ -n "$database" ]; then
  schema="bench_$(python3 -c 'import uuid; print(uuid.uuid4().hex)')"
  psql "$database" -qc "CREATE SCHEMA $schema"
  case "$database" in *\?*) sep='&' ;; *) sep='?' ;; esac
  database_args=(--database "${database}${sep}options=-csearch_path%3D$schema")
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# A sample's value, with or without its {instance="..."} label.
metric() { curl -sf "$1/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 {print $2}'; }
# A counter summed over the instances.
total() { local sum=0 b; for b in "${bases[@]}"; do sum=$((sum + $(metric "$b" "$1"))); done; echo $sum; }

receiver_port=$(free_port)
"${client_pin[@]}" node bench/webhook_receiver.mjs "$receiver_port" >"$work/receiver.out" 2>&1 &
receiver_pid=$!

key=$(python3 -c 'import uuid; print(uuid.uuid4())')
# Instances on one database must seal provider secrets with one key.
SWITCHBOARD_SECRET_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export SWITCHBOARD_SECRET_KEY
bases=()
for i in $(seq "$instances"); do
  port=$(free_port)
  # The second instance finds the first's org (and key) in the shared database.
  SWITCHBOARD_API_KEY="$key" taskset -c "$(server_cpu "$i")" "$bin" serve --port "$port" --data-dir "$work/data$i" \
    "${database_args[@]}" --access-log off --log-level warn >"$work/server$i.out" 2>&1 &
  server_pids+=($!)
  bases+=("http://127.0.0.1:$port")
  for _ in $(seq 200); do curl -sf "${bases[-1]}/health" >/dev/null && break; sleep 0.05; done
  curl -sf "${bases[-1]}/health" >/dev/null || { cat "$work/server$i.out" >&2; exit 1; }
done
base=${bases[0]}
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$receiver_port/stats" >/dev/null && break; sleep 0.05; done

assistant=$(curl -sf "$base/assistant" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench\",\"server\":{\"url\":\"http://127.0.0.1:$receiver_port/hook\"}}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

i=0 wrk_pids=()
for b in "${bases[@]}"; do
  i=$((i + 1))
  SB_API_KEY="$key" SB_ASSISTANT_ID="$assistant" "${client_pin[@]}" wrk -t1 \
    -c"$((connections / instances))" -d"${duration}s" -s bench/session_create.lua "$b" \
    >"$work/wrk$i.out" &
  wrk_pids+=($!)
done
wait "${wrk_pids[@]}"
cat "$work"/wrk*.out >"$work/wrk.out"

# Wait for the outbox to drain (at most 120 s).
for _ in $(seq 1200); do
  [ "$(metric "$base" switchboard_webhook_messages_pending)" = "0" ] && break
  sleep 0.1
done
# Read after the drain: the creates wrk saw answered may still have been committing before.
enqueued=$(total switchboard_webhook_messages_enqueued_total)
delivered_by=$(for b in "${bases[@]}"; do metric "$b" switchboard_webhook_messages_delivered_total; done | paste -sd/)
stats=$(curl -sf "http://127.0.0.1:$receiver_port/stats")
python3 - "$stats" "$enqueued" "$duration" "$work/wrk.out" "$delivered_by" <<'PY'
import json, re, sys
stats, enqueued, duration = json.loads(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
wrk = open(sys.argv[4]).read()
creates = sum(float(x) for x in re.findall(r"Requests/sec:\s+([\d.]+)", wrk))
errors = sum(int(x) for x in re.findall(r"non-2xx responses: (\d+)", wrk))
span = max(1, stats["lastAt"] - stats["firstAt"]) / 1000
print(f"session creates (enqueues): {enqueued} in {duration:.0f} s = {float(creates):,.0f}/s "
      f"(non-2xx: {errors})")
print(f"delivered: {stats['count']} ({stats['duplicates']} duplicates) in {span:.2f} s "
      f"= {stats['count'] / span:,.0f} messages/s")
print(f"delivered by each instance: {sys.argv[5]}")
print(f"enqueue -> delivery: p50 {stats['p50']:.0f} ms, p99 {stats['p99']:.0f} ms, "
      f"max {stats['max']:.0f} ms")
if stats["count"] < enqueued:
    print(f"NOT DRAINED: {enqueued - stats['count']} messages undelivered")
    sys.exit(1)
PY
