#!/usr/bin/env bash
# Benchmark: Switchboard on SQLite and on PostgreSQL, against nginx serving the very same
# response bytes as static files, in one run on this machine. The server, its PostgreSQL (when
# it has one) and nginx run pinned to CPU 0, wrk to CPU 1.
#
#   bench/run.sh [--duration 10] [--connections 64] [--backend sqlite|postgres|both]
#                [--no-webhooks]
#
# --backend both (the default when PostgreSQL's server binaries are installed, else sqlite)
# measures every row on each: SQLite in the data directory, then a throwaway PostgreSQL
# cluster (scripts/postgres-test-server.sh --durable: fsync on, as SQLite's commits are)
# started here and stopped at the end. Each backend's run ends with bench/webhooks.sh
# (messages delivered per second to a local receiver) unless --no-webhooks.
#
# SWITCHBOARD_BIN picks the binary (default: the release build, built if needed).
# Prints a table of req/s, p50/p99 latency, the ratio to nginx and PostgreSQL's to SQLite's,
# plus idle RSS and the time from start to the first answered request.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections=64
backend=""
webhooks=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --no-webhooks) webhooks=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
have_postgres() { [ -n "$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null)" ]; }
if [ -z "$backend" ]; then if have_postgres; then backend=both; else backend=sqlite; fi; fi
case "$backend" in
  sqlite) backends=(sqlite) ;;
  postgres) backends=(postgres) ;;
  both) backends=(sqlite postgres) ;;
  *) echo "--backend must be sqlite, postgres or both" >&2; exit 2 ;;
esac

bin=${SWITCHBOARD_BIN:-$(scripts/build-release.sh --bench)}

work=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
chmod 755 "$work"  # nginx's worker and PostgreSQL (as root: user postgres) must reach it
server_pid="" nginx_pid="" pg_dir=""
stop_server() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
cleanup() {
  stop_server
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$pg_dir" ] && scripts/postgres-test-server.sh stop "$pg_dir" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

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

# --- start-up: time to the first answered request (SQLite) -----------------------------------
first_ms=$(python3 bench/first_request.py "$bin" "$(free_port)" "$work/startup")

# --- nginx serving the bytes of the first backend's answers ----------------------------------
start_nginx() {
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
  read -r nbyid_rps nbyid_p50 nbyid_p99 nbyid_bad < <(run_wrk "http://127.0.0.1:$nginx_port/by-id.json")
  read -r nlist_rps nlist_p50 nlist_p99 nlist_bad < <(run_wrk "http://127.0.0.1:$nginx_port/list.json")
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=""
}

# --- one backend: the server pinned to CPU 0 with 1,000 numbers, then the load ----------------
declare -A R  # R[backend.row] = "rps p50 p99 non2xx"; R[backend.rss] etc.
measure() {
  local b=$1 database_args=()
  if [ "$b" = postgres ]; then
    pg_dir="$work/pg"
    # Pinned beside the server: on SQLite the database work runs inside the server on CPU 0.
    database=$(taskset -c 0 scripts/postgres-test-server.sh start "$pg_dir" --durable)
    database_args=(--database "$database")
  fi
  local port
  port=$(free_port)
  key=$(python3 -c 'import uuid; print(uuid.uuid4())')
  SWITCHBOARD_API_KEY="$key" taskset -c 0 "$bin" serve --port "$port" --data-dir "$work/data-$b" \
    "${database_args[@]}" --access-log "$work/switchboard-access-$b.log" >"$work/server-$b.out" 2>&1 &
  server_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 200); do curl -sf "$base/health" >/dev/null && break; sleep 0.05; done
  sleep 0.5
  R[$b.rss_start]=$(rss_mb "$server_pid")
  # The byo-sip-trunk credential every seeded and created number names: the server checks that
  # a credentialId is one of the org's.
  local credential
  credential=$(curl -sf -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
    -d '{"provider":"byo-sip-trunk","name":"bench trunk","gateways":[{"ip":"192.0.2.10"}]}' \
    "$base/credential" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  export SB_CREDENTIAL_ID="$credential"
  node bench/seed.mjs "$base" "$key" 1000 >"$work/ids-$b.txt"
  id=$(head -n 1 "$work/ids-$b.txt")
  sleep 1
  R[$b.rss_seeded]=$(rss_mb "$server_pid")
  [ -n "${nbyid_rps:-}" ] || start_nginx

  R[$b.byid]=$(run_wrk "$base/phone-number/$id")
  R[$b.list]=$(run_wrk "$base/phone-number?limit=100")
  R[$b.cold]=$(run_wrk "$base/phone-number" -s bench/list_uncached.lua)
  R[$b.post]=$(SB_API_KEY="$key" run_wrk "$base/phone-number" -s bench/create.lua)
  sleep 1
  R[$b.rss_after]=$(rss_mb "$server_pid")
  # Every create that answered 201 must be in the database.
  R[$b.created]=$(curl -sf -H "Authorization: Bearer $key" "$base/v2/phone-number?limit=1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["totalItems"])')
  stop_server

  if [ "$webhooks" = 1 ]; then
    local hook_args=()
    [ "$b" = postgres ] && hook_args=(--database "$database")
    SWITCHBOARD_BIN="$bin" bench/webhooks.sh --duration "$duration" "${hook_args[@]}" \
      >"$work/webhooks-$b.out" 2>&1 || { cat "$work/webhooks-$b.out" >&2; exit 1; }
    R[$b.hooks]=$(sed -n 's/^delivered: .* = \([0-9,]*\) messages\/s.*/\1/p' "$work/webhooks-$b.out")
    R[$b.hook_creates]=$(sed -n 's/^session creates .* = \([0-9,]*\)\/s.*/\1/p' "$work/webhooks-$b.out")
    R[$b.hook_latency]=$(sed -n 's/^enqueue -> delivery: //p' "$work/webhooks-$b.out")
  fi
  if [ "$b" = postgres ]; then
    scripts/postgres-test-server.sh stop "$pg_dir"
    pg_dir=""
  fi
}
for b in "${backends[@]}"; do measure "$b"; done

# --- the table --------------------------------------------------------------------------------
ratio() { python3 -c "print(f'{100*$1/$2:.0f} %')"; }
field() { awk -v i="$2" '{print $i}' <<<"${R[$1]}"; }
printf '\n%-34s' "operation (${connections} connections)"
for b in "${backends[@]}"; do printf ' %10s %9s %9s %8s' "$b req/s" p50 p99 "vs nginx"; done
[ "$backend" = both ] && printf ' %10s' "pg/sqlite"
echo
row() {  # label key nginx_rps
  printf '%-34s' "$1"
  for b in "${backends[@]}"; do
    local rps
    rps=$(field "$b.$2" 1)
    printf ' %10s %9s %9s %8s' "$rps" "$(field "$b.$2" 2)" "$(field "$b.$2" 3)" \
      "$([ -n "$3" ] && ratio "$rps" "$3")"
  done
  [ "$backend" = both ] && printf ' %10s' "$(ratio "$(field postgres."$2" 1)" "$(field sqlite."$2" 1)")"
  echo
}
row "GET /phone-number/{id}" byid "$nbyid_rps"
row "GET /phone-number?limit=100" list "$nlist_rps"
row "  same, never cached (SQL each)" cold "$nlist_rps"
row "POST /phone-number (durable)" post ""
printf '%-34s %10s %9s %9s\n' "nginx, by id's bytes ($(wc -c <"$work/static/by-id.json") B)" "$nbyid_rps" "$nbyid_p50" "$nbyid_p99"
printf '%-34s %10s %9s %9s\n' "nginx, list's bytes ($(wc -c <"$work/static/list.json") B)" "$nlist_rps" "$nlist_p50" "$nlist_p99"
echo
for b in "${backends[@]}"; do
  echo "$b: non-2xx responses: by id $(field "$b.byid" 4), list $(field "$b.list" 4), uncached list $(field "$b.cold" 4), create $(field "$b.post" 4)"
  echo "$b: phone numbers in the database after the run: ${R[$b.created]}"
  echo "$b: RSS: idle after start ${R[$b.rss_start]} MB, idle with 1,000 numbers ${R[$b.rss_seeded]} MB, after the load ${R[$b.rss_after]} MB"
  if [ "$webhooks" = 1 ]; then
    echo "$b: webhooks (bench/webhooks.sh, 32 connections creating sessions): ${R[$b.hooks]} messages/s delivered, ${R[$b.hook_creates]} creates/s; enqueue -> delivery ${R[$b.hook_latency]}"
  fi
done
echo "nginx non-2xx responses: $nbyid_bad, $nlist_bad"
echo "first request answered ${first_ms} ms after start (SQLite)"
