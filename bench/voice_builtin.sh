#!/usr/bin/env bash
# The built-in speech engines on the Release build: their real-time factors on fixed input
# (bench/speech_rtf.cpp, the server's own code), then how many concurrent calls with built-in
# speech this machine's two cores sustain in real time — bench/voice.sh with the server on
# both CPUs (the load generator shares CPU 1 with it), one decoder per call, and callers that
# say a phrase (flite's slt voice, as the e2e tests make it) each turn. Twice: callers joining
# within a second, so that every customer speaks at the same moment (the worst case), then
# joining over 6 s, about one turn's cycle, so that their turns are spread. A turn is answered
# in real time when the answer's first frame arrives within 1 s of the phrase's end (unloaded,
# about 360 ms: 300 ms of silence ends the utterance, then the model and flite).
#
#   bench/voice_builtin.sh [--calls 4,8,12,16] [--spread-calls 16,24,32] [--turns 3]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=4,8,12,16
spread=16,24,32
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) calls=$2; shift 2 ;;
    --spread-calls) spread=$2; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
scripts/build-release.sh --bench >/dev/null
phrase=$(mktemp /tmp/switchboard-phrase.XXXXXX.wav)
trap 'rm -f "$phrase"' EXIT
flite -voice slt -t "what is the weather like today" -o "$phrase"
taskset -c 0,1 build/release/bench/speech_rtf --threads 2 --wav "$phrase"
echo
echo "## Every customer speaking at once (callers join within 1 s)"
echo
bench/voice.sh --calls "$calls" --server-cpus 0,1 --builtin "$phrase" "${extra[@]}"
echo
echo "## Turns spread (callers join over 6 s)"
echo
bench/voice.sh --calls "$spread" --server-cpus 0,1 --builtin "$phrase" --join-seconds 6 \
  "${extra[@]}"
