#!/usr/bin/env bash
# Live-call benchmark on the Release binary: for each size, a fresh server pinned to CPU 0 and
# the load generator (bench/voice_load.cpp: the callers and every stand-in — LLM, custom
# transcriber, custom voice — in one process on one thread) pinned to CPU 1; concurrent calls
# (greeting + 3 turns each), pacing lateness beside the load generator's own timer lateness
# (the reference, same run), latency per turn, RSS per call, CPU of each side. One Markdown
# table.
#
#   bench/voice.sh [--calls 50,100,250] [--turns 3]      (e.g. --calls 400,500 to find the knee)
#
# --builtin PHRASE.wav (bench/voice_builtin.sh): the built-in engines instead of the custom
# stand-ins, the callers saying the phrase each turn; the server gets the CPUs of
# --server-cpus (default 0) and one decoder per call.
#
# --speech remote [--transcriber-delay-ms 250] [--voice-delay-ms 200] (passed to the load
# generator): the remote providers' path, Deepgram live transcription and the ElevenLabs voice,
# against stand-ins in the load generator with those delays (end of speech → final transcript,
# request → first byte of audio): Deepgram's reached through the org credential's apiUrl,
# ElevenLabs' on a free port this script picks and gives the server as --speech-base-url; the
# latency column is the server-added latency, the stand-ins' delays taken off. See
# bench/voice_load.cpp.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=50,100,250
cpus=0
phrase=
remote=
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) calls=$2; shift 2 ;;
    --server-cpus) cpus=$2; shift 2 ;;
    --builtin) phrase=$2; shift 2 ;;
    --speech) [ "$2" = remote ] && remote=1; extra+=("$1" "$2"); shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
bin=$(scripts/build-release.sh --bench)
load=build/release/bench/voice_load
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/switchboard-voice-bench.XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a server for $1 calls on $cpus (on its own data directory); sets $server and $base.
start_server() {
  local speech=()
  if [ -n "$phrase" ]; then speech=(--speech-decoders "$1"); fi
  if [ -n "$remote" ]; then
    speech=(--speech-base-url "11labs=http://127.0.0.1:$elevenlabs_port")
  fi
  SWITCHBOARD_API_KEY=$key taskset -c "$cpus" "$bin" serve --port 0 --data-dir "$work/data-$1" \
    --access-log off --rate-limit 0 --max-calls 100000 --log-level warn "${speech[@]}" \
    >"$work/out-$1" &
  server=$!
  for _ in $(seq 100); do
    base=$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/out-$1")
    [ -n "$base" ] && return
    sleep 0.1
  done
  echo "the server did not start" >&2
  exit 1
}

key=$(cat /proc/sys/kernel/random/uuid)
if [ -n "$remote" ]; then
  # A free port for the load generator's ElevenLabs stand-in, which the server is told of.
  elevenlabs_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
  extra+=(--elevenlabs-port "$elevenlabs_port")
fi
header=--header
for n in ${calls//,/ }; do
  start_server "$n"
  speech=()
  if [ -n "$phrase" ]; then speech=(--phrase "$phrase" --decoders "$n"); fi
  taskset -c 1 "$load" --base "$base" --key "$key" --server-pid "$server" --calls "$n" \
    $header "${speech[@]}" "${extra[@]}"
  header=
  kill -TERM "$server"
  wait "$server" || true
  server=
done
