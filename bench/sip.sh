#!/usr/bin/env bash
# SIP benchmark on the Release binary: for each size, a fresh server pinned to CPU 0 (SIP on a
# free port, RTP on --rtp-ports) and the load generator pinned to CPU 1: sipp in load mode places
# the calls (bench/sip/call.xml: INVITE, ACK, a hold, BYE) and bench/sip_load.cpp is every
# caller's RTP (one socket, kernel receive timestamps) and the assistant's stand-ins (custom
# LLM, transcriber and voice, as bench/voice.sh), the assistant greeting for the whole call while
# the callers send 20 ms PCMU frames. One Markdown table: calls answered, calls set up per
# second and INVITE → 200, the outbound pacing error (inter-arrival − 20 ms) p50/p99/max, packets
# lost or dropped on either side (the server's /metrics counters and the kernel's socket drops),
# CPU. Then whether the target holds (see --target).
#
#   bench/sip.sh [--calls 50,100,150,200,250,300] [--rate 50] [--hold-seconds 20] [--no-recording]
#                 [--perf FILE]
#
# --perf FILE: `perf record -g` of the server for 10 s while every call of the last size is live
# (perf report -i FILE --no-children shows where its core goes).
#
# Target (issue 14): ≥ 250 concurrent calls with pacing error p99 ≤ 5 ms and no packet dropped
# by the server.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=50,100,150,200,250,300
rate=50
perf_file=
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) calls=$2; shift 2 ;;
    --rate) rate=$2; extra+=("$1" "$2"); shift 2 ;;
    --perf) perf_file=$(realpath "$2"); shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
command -v sipp >/dev/null || { echo "sipp is missing: scripts/install-deps.sh --bench" >&2; exit 1; }
bin=$(scripts/build-release.sh --bench)
load=build/release/bench/sip_load
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/switchboard-sip-bench.XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

key=$(cat /proc/sys/kernel/random/uuid)
echo "commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), load:$(uptime | sed 's/.*load average://')"
header=--header
for n in ${calls//,/ }; do
  sip_port=$(free_port)
  SWITCHBOARD_API_KEY=$key taskset -c 0 "$bin" serve --port 0 --data-dir "$work/data-$n" \
    --access-log off --rate-limit 0 --max-calls 100000 --log-level warn \
    --sip-port "$sip_port" --sip-public-host 127.0.0.1 --rtp-ports 20000-21999 >"$work/out-$n" 2>&1 &
  server=$!
  base=
  for _ in $(seq 100); do
    base=$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/out-$n")
    [ -n "$base" ] && break
    sleep 0.1
  done
  [ -n "$base" ] || { echo "the server did not start:" >&2; cat "$work/out-$n" >&2; exit 1; }
  if [ -n "$perf_file" ] && [ "$n" = "${calls##*,}" ]; then
    # Once the calls are all up (they join at --rate per second), 10 s of the server.
    (sleep $((n / rate + 4)) && taskset -c 1 perf record -q -g -F 499 -p "$server" \
      -o "$perf_file" -- sleep 10 >/dev/null 2>&1) &
  fi
  taskset -c 1 "$load" --base "$base" --key "$key" --server-pid "$server" --sip-port "$sip_port" \
    --scenario bench/sip/call.xml --rtp-ports 20000-21999 --calls "$n" $header "${extra[@]}"
  header=
  kill -TERM "$server"
  wait "$server" || true
  server=
  grep -iE "error|warn" "$work/out-$n" | head -5 >&2 || true
done
echo "load after:$(uptime | sed 's/.*load average://')"
