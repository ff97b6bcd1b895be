# The checks the script suites share. Source it after setting WORK (where
# the last command's stdout and stderr are kept, as $WORK/out and
# $WORK/err); it counts into `passed` and `failed`.
passed=${passed:-0}
failed=${failed:-0}

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -s "$WORK/out" ]; then sed 's/^/       stdout| /' "$WORK/out" | head -20; fi
  if [ -s "$WORK/err" ]; then sed 's/^/       stderr| /' "$WORK/err" | head -20; fi
}
# run CMD...: runs the client binary ($MM), keeping stdout, stderr and the exit status.
run() {
  "$MM" "$@" >"$WORK/out" 2>"$WORK/err"
  rc=$?
}
# check DESCRIPTION TEST...: a shell test on the last outputs.
check() {
  local what="$1"
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
# check_eq DESCRIPTION ACTUAL EXPECTED: like check with test =, but shows both.
check_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}
out_has() { grep -qF -- "$1" "$WORK/out"; }
err_has() { grep -qF -- "$1" "$WORK/err"; }
