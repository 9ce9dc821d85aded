#!/usr/bin/env bash
# Benchmark: Switchboard against nginx serving the very same response bytes as static files,
# in one run on this machine. The server (and nginx) run pinned to CPU 0, wrk to CPU 1.
#
#   bench/run.sh [--duration 10] [--connections 64]
#
# Prints a table of req/s, p50/p99 latency and the ratio to nginx, plus idle RSS and the time
# from start to the first answered request.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections=64
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

bin=$(scripts/build-release.sh --bench)

work=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
chmod 755 "$work"  # nginx's worker runs as an unprivileged user and must read the files
server_pid="" nginx_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

# --- start-up: time to the first answered request -------------------------------------------
first_ms=$(python3 bench/first_request.py "$bin" "$(free_port)" "$work/startup")

# --- the server, pinned to CPU 0, with 1,000 numbers -----------------------------------------
port=$(free_port)
key=$(python3 -c 'import uuid; print(uuid.uuid4())')
SWITCHBOARD_API_KEY="$key" taskset -c 0 "$bin" serve --port "$port" --data-dir "$work/data" \
  --access-log "$work/switchboard-access.log" >"$work/server.out" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 200); do curl -sf "$base/health" >/dev/null && break; sleep 0.05; done
sleep 0.5
rss_idle_start=$(rss_mb "$server_pid")
# The byo-sip-trunk credential every seeded and created number names: the server checks that a
# credentialId is one of the org's.
credential=$(curl -sf -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
  -d '{"provider":"byo-sip-trunk","name":"bench trunk","gateways":[{"ip":"192.0.2.10"}]}' \
  "$base/credential" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
export SB_CREDENTIAL_ID="$credential"
node bench/seed.mjs "$base" "$key" 1000 >"$work/ids.txt"
id=$(head -n 1 "$work/ids.txt")
sleep 1
rss_idle_seeded=$(rss_mb "$server_pid")

# --- nginx serving the same bytes ------------------------------------------------------------
mkdir -p "$work/static" "$work/nginx"
curl -sf -H "Authorization: Bearer $key" "$base/phone-number/$id" -o "$work/static/by-id.json"
curl -sf -H "Authorization: Bearer $key" "$base/phone-number?limit=100" -o "$work/static/list.json"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log $work/nginx/access.log;
  types { application/json json; }
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/static;
  }
}
CONF
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/by-id.json" >/dev/null && break; sleep 0.05; done
# The reference must serve exactly the bytes Switchboard serves, with a 200.
for f in by-id list; do
  curl -sf "http://127.0.0.1:$nginx_port/$f.json" | cmp -s - "$work/static/$f.json" ||
    { echo "nginx does not serve $f.json as Switchboard does" >&2; exit 1; }
done

# --- load -----------------------------------------------------------------------------------
run_wrk() {  # url [extra wrk args...] → "rps p50 p99 non2xx"
  local url="$1"; shift
  local out
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency \
        -H "Authorization: Bearer $key" "$@" "$url")
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
  echo "$rps $p50 $p99 ${bad:-0}"
}

read -r byid_rps byid_p50 byid_p99 byid_bad < <(run_wrk "$base/phone-number/$id")
read -r nbyid_rps nbyid_p50 nbyid_p99 nbyid_bad < <(run_wrk "http://127.0.0.1:$nginx_port/by-id.json")
read -r list_rps list_p50 list_p99 list_bad < <(run_wrk "$base/phone-number?limit=100")
read -r nlist_rps nlist_p50 nlist_p99 nlist_bad < <(run_wrk "http://127.0.0.1:$nginx_port/list.json")
read -r cold_rps cold_p50 cold_p99 cold_bad < <(run_wrk "$base/phone-number" -s bench/list_uncached.lua)
read -r post_rps post_p50 post_p99 post_bad < <(SB_API_KEY="$key" run_wrk "$base/phone-number" -s bench/create.lua)
sleep 1
rss_after=$(rss_mb "$server_pid")

# Every create that answered 201 must be in the database.
created=$(curl -sf -H "Authorization: Bearer $key" "$base/v2/phone-number?limit=1" |
          python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["totalItems"])')

ratio() { python3 -c "print(f'{100*$1/$2:.0f} %')"; }
printf '\n%-34s %12s %10s %10s %12s\n' "operation (${connections} connections)" "req/s" "p50" "p99" "vs nginx"
printf '%-34s %12s %10s %10s %12s\n' "GET /phone-number/{id}" "$byid_rps" "$byid_p50" "$byid_p99" "$(ratio "$byid_rps" "$nbyid_rps")"
printf '%-34s %12s %10s %10s %12s\n' "  nginx, same bytes ($(wc -c <"$work/static/by-id.json") B)" "$nbyid_rps" "$nbyid_p50" "$nbyid_p99" ""
printf '%-34s %12s %10s %10s %12s\n' "GET /phone-number?limit=100" "$list_rps" "$list_p50" "$list_p99" "$(ratio "$list_rps" "$nlist_rps")"
printf '%-34s %12s %10s %10s %12s\n' "  nginx, same bytes ($(wc -c <"$work/static/list.json") B)" "$nlist_rps" "$nlist_p50" "$nlist_p99" ""
printf '%-34s %12s %10s %10s %12s\n' "  same, never cached (SQL each)" "$cold_rps" "$cold_p50" "$cold_p99" "$(ratio "$cold_rps" "$nlist_rps")"
printf '%-34s %12s %10s %10s %12s\n' "POST /phone-number (durable)" "$post_rps" "$post_p50" "$post_p99" ""
echo
echo "non-2xx responses: by id $byid_bad, list $list_bad, uncached list $cold_bad, create $post_bad; nginx $nbyid_bad, $nlist_bad"
echo "phone numbers in the database after the run: $created"
echo "RSS: idle after start ${rss_idle_start} MB, idle with 1,000 numbers ${rss_idle_seeded} MB, after the load ${rss_after} MB"
echo "first request answered ${first_ms} ms after start"
