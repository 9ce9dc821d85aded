#!/usr/bin/env bash
# The built-in speech engines on the Release build: their real-time factors on fixed input
# (bench/speech_rtf.cpp, the server's own code), then how many concurrent calls with built-in
# speech this machine's two cores sustain in real time — bench/voice.sh with the server on
# both CPUs, one decoder per call, and callers that say a phrase (flite's slt voice, as the
# e2e tests make it) each turn; a turn counts as answered in time when the answer's first
# frame arrives within 2 s of the phrase's end.
#
#   bench/voice_builtin.sh [--calls 2,4,8,12,16] [--turns 3]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=2,4,8,12,16
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) calls=$2; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
scripts/build-release.sh --bench >/dev/null
taskset -c 0,1 build/release/bench/speech_rtf --threads 2
echo

phrase=$(mktemp /tmp/switchboard-phrase.XXXXXX.wav)
trap 'rm -f "$phrase"' EXIT
flite -voice slt -t "what is the weather like today" -o "$phrase"
bench/voice.sh --calls "$calls" --server-cpus 0,1 --builtin "$phrase" "${extra[@]}"
