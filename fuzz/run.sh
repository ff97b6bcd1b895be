#!/usr/bin/env bash
# Fuzzes the client's input parsers and target resolution with libFuzzer
# (ASan + UBSan build, `make fuzz`):
#   fuzz/run.sh                 20 seconds per target, a new random seed each run
#   fuzz/run.sh 600             ten minutes per target (exploration)
#   fuzz/run.sh --seed 1 20     a fixed seed and at most 100,000 inputs per
#                               target (what scripts/test-all runs): the same
#                               inputs on every machine, so a test run never
#                               fails on a finding another run did not see;
#                               new findings come from the exploration runs
#                               and join the seed corpus (fuzz/corpus)
# First a deliberately broken canary target must be caught once per kind
# of finding (ASan, UBSan, unexpected exception), so a build without the
# sanitizers or a runner that misses failures cannot pass. Then each
# target fuzzes a scratch copy of its seed corpus (fuzz/corpus/<target>)
# for the given time. A crash, sanitizer report, uncaught exception or
# broken invariant is a failure; the input is kept under
# build/fuzz/findings/<target>/ with the command that reproduces it.
# Prints one ok/FAIL line per check, then "N passed, M failed".
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
usage() { echo "usage: fuzz/run.sh [--seed N] [SECONDS_PER_TARGET]" >&2; exit 2; }
seed_options=()
if [ "${1:-}" = "--seed" ]; then
  case "${2:-}" in '' | *[!0-9]*) usage ;; esac
  seed_options=(-seed="$2" -runs=100000)
  shift 2
fi
[ $# -le 1 ] || usage
seconds="${1:-20}"
case "$seconds" in '' | *[!0-9]* | 0) usage ;; esac

work="$(mktemp -d /tmp/metamigrate-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

if ! make -C "$root" -j"$(nproc)" fuzz >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  echo "FAIL build (make fuzz)"
  echo "0 passed, 1 failed"
  exit 1
fi

# The canary must fail on each seed, with the expected report.
check_canary() {  # seed, pattern in the report
  local log="$work/canary-$1.log"
  if "$root/build/fuzz/canary" -runs=1 -artifact_prefix="$work/" "$root/fuzz/canary-seeds/$1" >"$log" 2>&1; then
    echo "FAIL canary $1: the finding was not reported"; failed=$((failed + 1))
  elif ! grep -q "$2" "$log"; then
    tail -20 "$log"; echo "FAIL canary $1: no \"$2\" in the report"; failed=$((failed + 1))
  else
    echo "ok   canary $1 is detected"; passed=$((passed + 1))
  fi
}
check_canary asan "ERROR: AddressSanitizer: heap-buffer-overflow"
check_canary ubsan "runtime error: signed integer overflow"
check_canary exception "unexpected exception escaped the parser"

for source in "$root"/fuzz/*_fuzzer.cpp; do
  target="$(basename "$source" .cpp)"
  name="${target%_fuzzer}"
  corpus="$work/$name-corpus"
  artifacts="$work/$name-artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp "$root/fuzz/corpus/$name/"* "$corpus/" 2>/dev/null
  # -max_len: room for multi-line files while staying fast; the per-input
  # timeout stays libFuzzer's default (20 minutes): only a hang fails.
  "$root/build/fuzz/$target" "${seed_options[@]}" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$work/$name.log" 2>&1
  rc=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")"
  if [ "$rc" -eq 0 ] && ! ls "$artifacts"/* >/dev/null 2>&1; then
    echo "ok   $target (${runs:-?} inputs${seed_options:+, ${seed_options[0]}}, at most ${seconds}s)"
    passed=$((passed + 1))
  else
    grep -E -A30 "FUZZ FINDING|ERROR: |runtime error|terminate called|what\(\)" "$work/$name.log" | head -60
    kept="$root/build/fuzz/findings/$name"
    mkdir -p "$kept"
    cp "$artifacts"/* "$kept/" 2>/dev/null
    cp "$work/$name.log" "$kept/fuzz.log"
    echo "FAIL $target (exit $rc); inputs in ${kept#$root/}/, reproduce with: build/fuzz/$target ${kept#$root/}/crash-..."
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
