#!/usr/bin/env bash
# A local two-instance setup in one command: a throwaway PostgreSQL cluster
# (scripts/postgres-test-server.sh), two Switchboard servers on it sharing one secret key, and
# nginx in front of them (round robin). Prints the URL and the API key; Ctrl-C stops it all and
# removes the throwaway data. See docs/multi-instance.md.
#
#   scripts/two-instances.sh [--port PORT] [--bin PATH]
#
# Needs nginx (Debian: nginx-light, `scripts/install-deps.sh --multi`) and the PostgreSQL server
# binaries (postgresql). The binary defaults to build/release, then build/test.
set -euo pipefail
cd "$(dirname "$0")/.."

port=8080
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "usage: $0 [--port PORT] [--bin PATH]" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  for candidate in build/release/src/switchboard build/test/src/switchboard; do
    if [ -x "$candidate" ]; then bin=$candidate; break; fi
  done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "no switchboard binary: build one or pass --bin" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx not found: scripts/install-deps.sh --multi" >&2; exit 1; }
bin=$(realpath "$bin")

work=$(mktemp -d /tmp/switchboard-two.XXXXXX)
chmod 755 "$work"  # as root the cluster runs as `postgres`, which must reach its directory
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/postgres-test-server.sh stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

database=$(scripts/postgres-test-server.sh start "$work/pg")
# Shared by every instance: the key that seals provider secrets, and the first org's API key.
SWITCHBOARD_SECRET_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
SWITCHBOARD_API_KEY=$(cat /proc/sys/kernel/random/uuid)
export SWITCHBOARD_SECRET_KEY SWITCHBOARD_API_KEY

# Starts instance $1 on a free port; sets `listening` to its port.
start_instance() {
  local name=$1 log="$work/$1.log"
  "$bin" serve --port 0 --host 127.0.0.1 --data-dir "$work/$name" --database "$database" \
    --public-url "http://127.0.0.1:$port" --access-log off >"$log" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do
    listening=$(sed -n 's|.*listening on http://[^:]*:\([0-9]*\).*|\1|p' "$log")
    [ -n "$listening" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "instance $name did not start:" >&2
  cat "$work/$name.err" >&2
  exit 1
}
# One after the other: the first makes the org on the empty database.
start_instance a
port_a=$listening
start_instance b
port_b=$listening

user_line=""
if [ "$(id -u)" -eq 0 ]; then user_line="user root;"; fi
cat >"$work/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  upstream switchboard {
    server 127.0.0.1:$port_a;
    server 127.0.0.1:$port_b;
    keepalive 64;
  }
  # Media streams and the WebSocket transport are upgrades.
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 64m;
    location / {
      proxy_pass http://switchboard;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_read_timeout 3600s;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/nginx-error.log" >&2; exit 1; }

cat <<INFO
Switchboard: two instances (127.0.0.1:$port_a, 127.0.0.1:$port_b) on one PostgreSQL behind nginx
URL:      http://127.0.0.1:$port
API key:  $SWITCHBOARD_API_KEY
Database: $database
Logs:     $work/{a,b}.err
Ctrl-C stops everything and removes $work.
INFO
wait -n "${pids[@]}" || true
echo "a process exited; stopping" >&2
