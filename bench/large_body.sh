#!/usr/bin/env bash
# The large cached body side by side: GET /phone-number?limit=100 (about 210 KB) from one or more
# Switchboard binaries (say the commit before a change and after it) against nginx serving the
# same bytes with sendfile on and off; access logs off everywhere. The servers run pinned to
# CPU 0, wrk to CPU 1; each round runs every target once, in turn. Besides req/s it prints the
# server's CPU time per request (utime + stime of its process, or nginx's worker), which a
# noisy machine disturbs far less than throughput.
#
#   bench/large_body.sh ROUNDS SECONDS BINARY [BINARY...]
set -euo pipefail
rounds=$1 dur=$2; shift 2
bins=("$@")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/switchboard-large-body.XXXXXX); chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap 'cleanup; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
key=$(python3 -c 'import uuid; print(uuid.uuid4())')
ports=(); sbpids=()
i=0
for bin in "${bins[@]}"; do
  port=$(free_port)
  SWITCHBOARD_API_KEY="$key" taskset -c 0 "$bin" serve --port "$port" --data-dir "$work/data$i" \
    --access-log off >"$work/server$i.out" 2>&1 &
  pids+=($!); sbpids+=($!)
  base="http://127.0.0.1:$port"
  for _ in $(seq 200); do curl -sf "$base/health" >/dev/null && break; sleep 0.05; done
  cred=$(curl -sf -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
    -d '{"provider":"byo-sip-trunk","name":"bench trunk","gateways":[{"ip":"192.0.2.10"}]}' \
    "$base/credential" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  SB_CREDENTIAL_ID="$cred" node $repo/bench/seed.mjs "$base" "$key" 1000 >"$work/ids$i.txt"
  ports+=($port)
  i=$((i+1))
done
mkdir -p "$work/static"
curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:${ports[0]}/phone-number?limit=100" -o "$work/static/list.json"
echo "body: $(wc -c <"$work/static/list.json") B"
nports=()
for sf in on off; do
  mkdir -p "$work/nginx-$sf"; np=$(free_port)
  cat >"$work/nginx-$sf/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx-$sf/nginx.pid;
error_log $work/nginx-$sf/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  types { application/json json; }
  sendfile $sf;
  tcp_nopush on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$np; root $work/static; }
}
CONF
  taskset -c 0 nginx -c "$work/nginx-$sf/nginx.conf" -p "$work/nginx-$sf" &
  pids+=($!)
  nports+=($np)
done
sleep 0.5
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
run_wrk() {  # url pid...
  local url=$1; shift
  local before after out
  before=$(cpu_ticks "$@")
  out=$(taskset -c 1 wrk -t1 -c64 -d"${dur}s" --latency -H "Authorization: Bearer $key" "$url")
  after=$(cpu_ticks "$@")
  awk -v ticks=$((after-before)) '/requests in/ {n=$1} /^Requests\/sec/ {r=$2} $1=="50%" {p=$2} $1=="99%" {q=$2} /Non-2xx/ {b=$5} END {printf "%10s req/s p50 %8s p99 %8s bad %s  cpu %5.1f us/req\n", r, p, q, (b?b:0), ticks*10000/n}' <<<"$out"
}
npid() { pgrep -P "$1" | head -1; }
ngx_on=$(npid ${pids[-2]}); ngx_off=$(npid ${pids[-1]})
for r in $(seq "$rounds"); do
  echo "--- round $r"
  echo -n "nginx sendfile on : "; run_wrk "http://127.0.0.1:${nports[0]}/list.json" $ngx_on
  for j in "${!bins[@]}"; do echo -n "switchboard #$j     : "; run_wrk "http://127.0.0.1:${ports[$j]}/phone-number?limit=100" ${sbpids[$j]}; done
  echo -n "nginx sendfile off: "; run_wrk "http://127.0.0.1:${nports[1]}/list.json" $ngx_off
done
