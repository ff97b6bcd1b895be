# Sourced by run.sh. Ctrl-C (SIGINT) or SIGTERM of the client while the
# server runs a long statement of an upgrade: the statement must be
# cancelled on the server, not left running to commit after the client
# said it stopped. One transaction, one transaction per revision, and a
# non-transactional revision; over the temporary credential's connection
# and over the user's own (--no-temp-credential).

s08_owner="sec08_owner_$suffix"
new_role "$s08_owner" NOLOGIN
s08_case=0

# s08_revision DIR ID DOWN TRANSACTIONAL UP
s08_revision() {
  mkdir -p "$1/versions/main"
  cat >"$1/versions/main/$2.sql" <<EOF
-- metamigrate:revision
-- revision: $2
-- down_revision: $3
-- branch_labels:
-- depends_on:
-- message: $2
-- create_date: 2026-01-01T00:00:00Z
-- transactional: $4

-- metamigrate:upgrade
$5

-- metamigrate:downgrade
EOF
}
s08_sleeping() {
  su_sql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = '$s08_db' AND wait_event = 'PgSleep'"
}

# s08_case SIGNAL TRANSACTIONAL ARGS...: a provider at r1, an upgrade to r2
# (pg_sleep(60), then CREATE TABLE after_sleep) started in the background
# and sent SIGNAL once the server sleeps.
s08_interrupt() {
  local signal="$1" transactional="$2"
  shift 2
  s08_case=$((s08_case + 1))
  s08_db="sec08_${suffix}_$s08_case"
  local dir="$WORK/s08_$s08_case/migrations"
  local what="case $s08_case (SIG$signal, transactional: $transactional${*:+, $*})"
  new_db "$s08_db"
  run --provider "$dir" scaffold --package sec08 --namespace main --owner-role "$s08_owner"
  psql -X -q -v ON_ERROR_STOP=1 -d "$s08_db" -f "$WORK/out" >/dev/null 2>&1
  s08_revision "$dir" r1 "" true "CREATE TABLE before_sleep (i int);"
  run --dsn "dbname=$s08_db" --provider "$dir" upgrade
  check "$what: r1 applied" test "$rc" -eq 0
  s08_revision "$dir" r2 r1 "$transactional" "SELECT pg_sleep(60);
CREATE TABLE after_sleep (i int);"

  # As a foreground command would get Ctrl-C: SIGINT at its default
  # action (a background job of a script starts with SIGINT ignored).
  perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec: $!\n"' \
    "$MM" --dsn "dbname=$s08_db" --provider "$dir" upgrade "$@" >"$WORK/out" 2>"$WORK/err" &
  local pid=$! i
  for i in $(seq 150); do
    [ "$(s08_sleeping)" -ge 1 ] && break
    sleep 0.1
  done
  check "$what: the server runs pg_sleep" test "$(s08_sleeping)" -ge 1
  kill -s "$signal" "$pid"
  # The server-side statement must end within a few seconds.
  for i in $(seq 100); do
    [ "$(s08_sleeping)" -eq 0 ] && break
    sleep 0.1
  done
  check_eq "$what: no backend still runs the statement" "$(s08_sleeping)" 0
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -s KILL "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
  local expected=130
  [ "$signal" = TERM ] && expected=143
  check_eq "$what: the client exits with 128+signal" "$rc" "$expected"
  check "$what: it says it was interrupted" err_has "interrupted by SIG$signal"
  # Whatever the client left behind: end it, then look at what committed.
  su_sql postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$s08_db' AND pid <> pg_backend_pid()" >/dev/null
  for i in $(seq 50); do
    [ "$(su_sql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = '$s08_db' AND pid <> pg_backend_pid()")" -eq 0 ] && break
    sleep 0.1
  done
  check_eq "$what: after_sleep was never created" "$(su_sql "$s08_db" "SELECT to_regclass('public.after_sleep') IS NULL")" t
  check_eq "$what: the version table is unchanged" "$(su_sql "$s08_db" "SELECT string_agg(version_num, ',') FROM sec08_alembic_version")" r1
  check_eq "$what: no history of r2" "$(su_sql "$s08_db" "SELECT count(*) FROM metamigrate.history WHERE revision = 'r2'")" 0
  if [ "$transactional" = false ]; then
    # Statement 1 was cancelled: nothing of r2 ran, so nothing needs repair.
    run --dsn "dbname=$s08_db" --provider "$dir" current
    check "$what: current reports no interrupted revision" bash -c "[ $rc -eq 0 ] && ! grep -q 'was interrupted' '$WORK/err'"
  fi
}

s08_interrupt INT true
s08_interrupt TERM true --no-temp-credential
s08_interrupt INT true --transaction-per-revision
s08_interrupt TERM false
s08_interrupt INT false --no-temp-credential
