#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, ASan+UBSan) of every parser that takes untrusted bytes:
# request bodies through the contract, request targets through routing and query validation,
# the text parsers of core/ and domain/, multipart/form-data uploads, and SDP offers. See
# fuzz/README.md.
#
#   scripts/fuzz.sh [--seconds N | --runs N] [target...]
#
# Default: 60 seconds per target, every target, one after the other (one process each). Each
# target runs on a copy of its seed corpus (fuzz/corpus/<target>) in a temporary directory, so
# runs never grow the repository; fuzz/regressions/<target> is replayed as a second corpus.
# Exits non-zero on any crash, leak, timeout, out-of-memory or oracle failure, after saving the
# reproducer and the log under fuzz/findings/<target>/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(fuzz_contract_body fuzz_query fuzz_text_parsers fuzz_multipart fuzz_sdp)
seconds=60
runs=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; runs=""; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    fuzz_*) targets+=("$1"); shift ;;
    *) echo "unknown argument: $1 (targets: ${all_targets[*]})" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# The longest input worth trying: bodies up to 64 KiB (the JSON of a full assistant is ~2 KiB,
# deep nesting needs room), a request line as Beast would take it, and short text fields.
max_len() {
  case "$1" in
    fuzz_contract_body | fuzz_multipart) echo 65536 ;;
    fuzz_query) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

scripts/install-deps.sh --test
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSB_FUZZ=ON -DSB_TESTS=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=0
summary=()
for t in "${targets[@]}"; do
  cp -r "fuzz/corpus/$t" "$work/$t"
  findings="fuzz/findings/$t"
  mkdir -p "$findings"
  args=(-max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1
        -print_final_stats=1 -artifact_prefix="$findings/")
  [ -f "fuzz/$t.dict" ] && args+=(-dict="fuzz/$t.dict")
  if [ -n "$runs" ]; then args+=(-runs="$runs"); else args+=(-max_total_time="$seconds"); fi
  corpora=("$work/$t")
  [ -d "fuzz/regressions/$t" ] && corpora+=("fuzz/regressions/$t")
  log="$work/$t.log"
  echo "== $t: ${args[*]}"
  rc=0
  "$build/fuzz/$t" "${args[@]}" "${corpora[@]}" >"$log" 2>&1 || rc=$?

  final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  inited=$(grep -m1 -E '^#[0-9]+[[:space:]]+INITED' "$log" | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
  final=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
  crashes=0
  if [ "$rc" -ne 0 ]; then
    crashes=1
    failed=1
    cp "$log" "$findings/$t.log"
  fi
  line=$(printf '%-20s execs %-10s exec/s %-6s %s -> %s, new units %s, crashes %d' "$t" \
    "$(final_stat number_of_executed_units)" "$(final_stat average_exec_per_sec)" "${inited:-?}" \
    "${final:-?}" "$(final_stat new_units_added)" "$crashes")
  echo "$line"
  summary+=("$line")
  if [ "$rc" -ne 0 ]; then
    grep -E 'ORACLE FAILURE|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error|Test unit written|SUMMARY' \
      "$log" | head -20 || true
    echo "   exit status $rc; reproducer and log in $findings/ (replay: $build/fuzz/$t FILE)"
  fi
done

echo
echo "Fuzzing summary:"
printf '  %s\n' "${summary[@]}"
exit "$failed"
