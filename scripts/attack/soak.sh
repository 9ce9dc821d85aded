#!/usr/bin/env bash
# Soak: a mixed read/write load (bench/soak.lua) at half of the measured peak request rate for
# 30 minutes, reported per 5-minute window: request rate, p50/p99 latency, errors, and the
# server's RSS, which must stay flat. The server runs pinned to CPU 0, wrk to CPU 1.
#
#   scripts/attack/soak.sh [--minutes 30] [--window-minutes 5]
#
# Exits non-zero if any request failed, if p99 of a window exceeds 3x the first window's, or
# if RSS grew by more than 20 % (plus 8 MB for the bounded response caches) from the first
# window to the last.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=30
window_minutes=5
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --window-minutes) window_minutes="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
windows=$(( (minutes + window_minutes - 1) / window_minutes ))

bin=$(scripts/build-release.sh --bench)
work=$(mktemp -d /tmp/switchboard-soak.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key=$(python3 -c 'import uuid; print(uuid.uuid4())')
SWITCHBOARD_API_KEY="$key" taskset -c 0 "$bin" serve --port "$port" --data-dir "$work/data" \
  --access-log "$work/access.log" >"$work/server.out" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 200); do curl -sf "$base/health" >/dev/null && break; sleep 0.05; done
# The byo-sip-trunk credential every seeded and created number names: the server checks that a
# credentialId is one of the org's.
credential=$(curl -sf -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
  -d '{"provider":"byo-sip-trunk","name":"bench trunk","gateways":[{"ip":"192.0.2.10"}]}' \
  "$base/credential" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
export SB_CREDENTIAL_ID="$credential"
node bench/seed.mjs "$base" "$key" 1000 >"$work/ids.txt"

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$server_pid/status"; }
# run_wrk SECONDS CONNECTIONS DELAY_MS WINDOW → "rps p50 p99 errors"
run_wrk() {
  local out
  out=$(SB_API_KEY="$key" SB_IDS_FILE="$work/ids.txt" SB_DELAY_MS="$3" SB_WINDOW="$4" \
        taskset -c 1 wrk -t1 -c"$2" -d"$1s" --latency -s bench/soak.lua "$base")
  local rps p50 p99 non2xx socket
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
  socket=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out")
  echo "$rps $p50 $p99 $(( ${non2xx:-0} + ${socket:-0} ))"
}
to_ms() { python3 -c "v='$1'; print(float(v[:-2])/1000 if v.endswith('us') else float(v[:-2]) if v.endswith('ms') else float(v[:-1])*1000)"; }

read -r peak _ _ peak_errors < <(run_wrk 15 64 0 0)
target=$(python3 -c "print(int($peak/2))")
# Each connection sends one request every 10 ms, so the connection count sets the rate.
connections=$(python3 -c "print(max(1, round($target/100)))")
echo "peak of the mixed workload: $peak req/s ($peak_errors errors); soak target $target req/s" \
     "($connections connections x 100 req/s) for $minutes minutes"
printf '\n%-8s %12s %10s %10s %8s %10s\n' "window" "req/s" "p50" "p99" "errors" "RSS MB"
first_p99="" first_rss="" failed=0 total_errors=0
for w in $(seq 1 "$windows"); do
  read -r rps p50 p99 errors < <(run_wrk $((window_minutes * 60)) "$connections" 10 "$w")
  rss=$(rss_mb)
  printf '%-8s %12s %10s %10s %8s %10s\n' "$((w * window_minutes)) min" "$rps" "$p50" "$p99" "$errors" "$rss"
  total_errors=$((total_errors + errors))
  p99_ms=$(to_ms "$p99")
  if [ -z "$first_p99" ]; then first_p99=$p99_ms first_rss=$rss; fi
  python3 -c "import sys; sys.exit(0 if $p99_ms <= 3*$first_p99 else 1)" || failed=1
done
echo
echo "errors: $total_errors; RSS first window ${first_rss} MB, last ${rss} MB"
python3 -c "import sys; sys.exit(0 if $rss <= $first_rss*1.2 + 8 else 1)" || { echo "RSS grew"; failed=1; }
[ "$total_errors" -eq 0 ] || failed=1
[ "$failed" -eq 0 ] && echo "soak PASSED" || { echo "soak FAILED"; exit 1; }
