# Sourced by run.sh (uses its helpers and counters): lock_timeout retries
# inside the server (--lock-retries, --retry-backoff), on a database of its
# own, with a second session holding a conflicting lock.

echo "== lock retries: a blocked revision is retried in the server"
LRDB="mmct_lr_$suffix"
LROWNER="mmct_lr_owner_$suffix"
LR="$WORK/lr/migrations"
LRV="$LR/versions/main"
EXTRA_DBS+=("$LRDB")
EXTRA_ROLES+=("$LROWNER")
createdb "$LRDB"
lr() { run --dsn "dbname=$LRDB" --provider "$LR" "$@"; }
lr_expect() { expect_with lr "$@"; }
lrsql() { sql -d "$LRDB" -c "$1"; }
lr_fill() { fill_revision_in "$LRV" "$@"; }  # ID UP DOWN
lr_version() { lrsql "SELECT coalesce(string_agg(version_num, ','), '') FROM lr_alembic_version"; }
# hold_lock SECONDS: a session (application lr_blocker) reading busy inside
# a transaction, so ALTER TABLE busy waits; its pid is in $blocker_pid.
hold_lock() {
  PGAPPNAME=lr_blocker psql -X -q -d "$LRDB" -c "BEGIN; SELECT count(*) FROM busy; SELECT pg_sleep($1); COMMIT;" \
    >/dev/null 2>&1 &
  blocker=$!
  blocker_pid=""
  for _ in $(seq 100); do
    blocker_pid="$(lrsql "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'lr_blocker' AND l.relation = 'busy'::regclass AND l.granted")"
    [ -n "$blocker_pid" ] && break
    sleep 0.05
  done
}
end_blocker() {
  lrsql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lr_blocker'" >/dev/null
  wait "$blocker" 2>/dev/null
}

lr_expect 0 "scaffold" scaffold --package lr --namespace main --owner-role "$LROWNER" --dir "$LR"
check "its DBA SQL runs" sql -d "$LRDB" -f "$WORK/out"
mkdir -p "$WORK/lr" && cd "$WORK/lr" || exit 1
lr_expect 0 "revision 1" revision -m "busy and side" --rev-id 0001
lr_fill 0001 "CREATE TABLE busy (id int); CREATE TABLE side (id int);" "DROP TABLE side; DROP TABLE busy;"
lr_expect 0 "revision 2" revision -m "new table" --rev-id 0002
lr_fill 0002 "CREATE TABLE t_new (id int);" "DROP TABLE t_new;"
lr_expect 0 "revision 3" revision -m "alter busy" --rev-id 0003
lr_fill 0003 "ALTER TABLE side ADD COLUMN x int;
ALTER TABLE busy ADD COLUMN c int;" "ALTER TABLE busy DROP COLUMN c;
ALTER TABLE side DROP COLUMN x;"
lr_expect 0 "upgrade to 0001" upgrade 0001

lr_expect 2 "--lock-retries needs a lock timeout" upgrade --lock-retries 3
check "and says so" err_has "needs a lock timeout"
lr_expect 2 "--retry-backoff MIN longer than MAX" upgrade --lock-timeout 1s --lock-retries 3 --retry-backoff 5s:1s
lr_expect 2 "--retry-backoff without MAX" upgrade --lock-timeout 1s --lock-retries 3 --retry-backoff 5s
lr_expect 2 "--lock-retries not a number" upgrade --lock-timeout 1s --lock-retries many
check "nothing ran" test "$(lr_version)" = 0001

# The final failure: every attempt times out; all or nothing.
hold_lock 30
lr_expect 1 "retries exhausted: exit 1" upgrade --lock-timeout 150ms --lock-retries 2 --retry-backoff 50ms:100ms
check "SQLSTATE 55P03" err_has "error [55P03]"
check "a note per retry (attempts 1 and 2 of 3)" \
  bash -c "grep -q 'attempt 1 of 3' '$WORK/err' && grep -q 'attempt 2 of 3' '$WORK/err' && ! grep -q 'attempt 3 of 3' '$WORK/err'"
check "the blocker is named: its pid, application and lock" \
  err_matches "blocked by pid $blocker_pid \(user [^,]+, application lr_blocker.*holds AccessShareLock on public\.busy"
check "the failing statement's file:line" err_matches "0003_alter_busy\.sql:1[0-9]"
check "the version table did not move" test "$(lr_version)" = 0001
check "the earlier revision of the same transaction is rolled back too" \
  test -z "$(lrsql "SELECT to_regclass('t_new')")"
check "and the attempt's first statement" \
  test "$(lrsql "SELECT count(*) FROM pg_attribute WHERE attrelid = 'side'::regclass AND attname = 'x'")" = 0
check "no history row for the failed revisions" \
  test "$(lrsql "SELECT count(*) FROM metamigrate.history WHERE revision IN ('0002', '0003')")" = 0
end_blocker

# Without retries, as before: one attempt.
hold_lock 30
lr_expect 1 "--lock-retries 0 fails at the first timeout" upgrade --lock-timeout 150ms --lock-retries 0
check "with no retry note" bash -c "! grep -q 'attempt 1 of' '$WORK/err'"
end_blocker

# Retries succeed once the blocker ends, and wait holding nothing of the
# attempt: while the server waits between attempts (wait event
# "Extension"), it holds no lock on side, which the attempt altered.
hold_lock 2.5
"$MM" --dsn "dbname=$LRDB" --provider "$LR" upgrade --lock-timeout 200ms --lock-retries 20 --retry-backoff 400ms:400ms \
  >"$WORK/out" 2>"$WORK/err" &
migrator=$!
released=0
while kill -0 "$migrator" 2>/dev/null; do
  [ "$(lrsql "SELECT count(*) FROM pg_stat_activity a WHERE a.datname = current_database() AND a.wait_event_type = 'Extension' AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = 'side'::regclass)")" != 0 ] && released=1
  sleep 0.05
done
wait "$migrator"
rc=$?
check_eq "the upgrade succeeds once the blocker ends" "$rc" 0
check "after retrying" err_has "attempt 1 of 21"
check "naming the blocker while it waited" err_matches "blocked by pid $blocker_pid .*application lr_blocker"
check "between attempts the server held no lock the attempt took" test "$released" = 1
check "at head" test "$(lr_version)" = 0003
wait "$blocker" 2>/dev/null

# The same in the per-revision procedure (the settings are the session's).
lr_expect 0 "downgrade to 0001" downgrade 0001
hold_lock 1.5
lr_expect 0 "--transaction-per-revision retries too" upgrade --transaction-per-revision --lock-timeout 200ms --lock-retries 20 --retry-backoff 200ms:400ms
check "after retrying" err_has "attempt 1 of 21"
check "at head" test "$(lr_version)" = 0003
wait "$blocker" 2>/dev/null

# Manifest defaults.
lr_expect 0 "downgrade to 0001 again" downgrade 0001
python3 - "$LR/metamigrate.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc.update({"lock_timeout": "200ms", "lock_retries": 20, "retry_backoff": "200ms:400ms"})
json.dump(doc, open(sys.argv[1], "w"), indent=2)
PY
hold_lock 1.5
lr_expect 0 "the manifest's lock_retries and retry_backoff" upgrade
check "retried" err_has "attempt 1 of 21"
wait "$blocker" 2>/dev/null
python3 - "$LR/metamigrate.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["lock_retries"] = "many"
json.dump(doc, open(sys.argv[1], "w"), indent=2)
PY
lr_expect 2 "a bad \"lock_retries\" in the manifest" current
check "names the manifest line" err_matches "metamigrate.json:[0-9]+: .*lock_retries"

echo "== concurrent index builds: no INVALID index left, their own wait budget"
# A transaction with an older snapshot (on another table): CREATE INDEX
# CONCURRENTLY waits for it after the index is in the catalog, so a timed
# out build leaves an INVALID index unless metamigrate drops it.
hold_snapshot() {
  PGAPPNAME=lr_snapshot psql -X -q -d "$LRDB" -c "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM side; SELECT pg_sleep($1); COMMIT;" \
    >/dev/null 2>&1 &
  blocker=$!
  for _ in $(seq 100); do
    [ "$(lrsql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lr_snapshot' AND backend_xmin IS NOT NULL")" = 1 ] && break
    sleep 0.05
  done
}
invalid_indexes() { lrsql "SELECT count(*) FROM pg_index WHERE NOT indisvalid"; }
python3 - "$LR/metamigrate.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for key in ("lock_timeout", "lock_retries", "retry_backoff"):
    doc.pop(key, None)
json.dump(doc, open(sys.argv[1], "w"), indent=2)
PY
lr_expect 0 "a non-transactional revision" revision -m "index busy" --rev-id 0004 --non-transactional
lr_fill 0004 "CREATE INDEX CONCURRENTLY busy_id ON busy (id);" "DROP INDEX CONCURRENTLY busy_id;"
hold_snapshot 30
lr_expect 1 "the build times out waiting for the older snapshot" upgrade --lock-timeout 200ms
check "with 55P03" err_has "error [55P03]"
check "no INVALID index is left" test "$(invalid_indexes)" = 0
check "and it says it dropped the one the build left" err_matches "dropped the INVALID index (public\.)?busy_id"
check "the revision is not applied" test "$(lr_version)" = 0003
lrsql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lr_snapshot'" >/dev/null
wait "$blocker" 2>/dev/null

hold_snapshot 1.5
lr_expect 0 "--lock-retries retries the build" upgrade --lock-timeout 200ms --lock-retries 20 --retry-backoff 100ms:300ms
check "after a retry" err_matches "statement 1 \(CREATE INDEX CONCURRENTLY busy_id.*attempt 1 of 21"
check "the index is valid" test "$(lrsql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'busy_id'::regclass")" = t
check "no INVALID index is left" test "$(invalid_indexes)" = 0
wait "$blocker" 2>/dev/null

lr_expect 0 "downgrade 0003" downgrade 0003
hold_snapshot 1.5
lr_expect 0 "--index-wait-timeout gives the build its own budget" upgrade --lock-timeout 100ms --index-wait-timeout 20s
check "no retry was needed" bash -c "! grep -q 'attempt 1 of' '$WORK/err'"
check "the index is valid" test "$(lrsql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'busy_id'::regclass")" = t
wait "$blocker" 2>/dev/null

echo "== metamigrate.progress: the waiting step, seen from another session"
lr_expect 0 "downgrade to 0002" downgrade 0002
# poll_progress CONDITION: a row of metamigrate.progress (read by this
# other session, as the superuser) meeting CONDITION while the migration
# runs; prints it.
poll_progress() {
  local row=""
  for _ in $(seq 200); do
    row="$(lrsql "SELECT concat_ws('|', provider, revision, step, steps, statement, statements, statement_text, attempt, waiting_on, waiting_for, index_phase) FROM metamigrate.progress WHERE $1 LIMIT 1")"
    [ -n "$row" ] && break
    sleep 0.05
  done
  echo "$row"
}
hold_lock 30
"$MM" --dsn "dbname=$LRDB" --provider "$LR" -q upgrade 0003 --lock-timeout 20s >"$WORK/out" 2>"$WORK/err" &
migrator=$!
row="$(poll_progress "revision = '0003' AND waiting_for IS NOT NULL")"
check "the view shows the provider, the revision and its step" bash -c "[[ '$row' == lr:main\|0003\|1\|1\|2\|2\|* ]]"
check "the statement that waits" bash -c "[[ '$row' == *'ALTER TABLE busy ADD COLUMN c int'* ]]"
check "whom it waits for (the blocker's pid) and what lock" \
  bash -c "[[ '$row' == *\"{$blocker_pid}\"*'AccessExclusiveLock on busy'* ]]"
end_blocker
wait "$migrator"
check_eq "the migration then completes" "$?" 0
check "and the view no longer lists it" test -z "$(lrsql "SELECT pid FROM metamigrate.progress")"

hold_snapshot 30
"$MM" --dsn "dbname=$LRDB" --provider "$LR" -q upgrade --index-wait-timeout 20s >"$WORK/out" 2>"$WORK/err" &
migrator=$!
row="$(poll_progress "revision = '0004' AND index_phase IS NOT NULL")"
check "a concurrent index build shows its revision, statement and phase" \
  bash -c "[[ '$row' == 0004\|'CREATE INDEX CONCURRENTLY busy_id'*'|waiting for old snapshots' ]]"
lrsql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lr_snapshot'" >/dev/null
wait "$blocker" 2>/dev/null
wait "$migrator"
check_eq "and completes once the old transaction ends" "$?" 0

echo "== old transactions, the --json account of the waits, --cancel-blockers-after, the live line"
lr_expect 0 "downgrade to 0002" downgrade 0002
# step_of REVISION: its step in the --json result in $WORK/out.
step_of() {
  python3 -c "import json, sys; print(json.dumps(next(s for s in json.load(open('$WORK/out'))['steps'] if s['revision'] == sys.argv[1])))" "$1"
}
json_has() { python3 -c "import json, sys; s = json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)" "$1" "$2"; }

hold_lock 1.5
sleep 0.4  # its transaction is older than --old-transaction-age
lr_expect 0 "retries that succeed, with --json" upgrade 0003 --json --lock-timeout 200ms --lock-retries 20 \
  --retry-backoff 200ms:300ms --old-transaction-age 300ms
wait "$blocker" 2>/dev/null
step="$(step_of 0003)"
check "before the first attempt, the old transaction is named" \
  err_matches "before revision 0003: 1 session with an old transaction on its tables"
check "with its pid and lock" err_matches "^  pid $blocker_pid \(user [^,]+, application lr_blocker, .*holds AccessShareLock on public\.busy"
check "the step's old_transactions has it" json_has "$step" "[b['pid'] for b in s['old_transactions']] == [$blocker_pid]"
check "the step counts its attempts" json_has "$step" "s['attempts'] >= 2 and s['attempts'] == len(s['lock_waits']) + 1"
check "each failed attempt lists its blockers" \
  json_has "$step" "all($blocker_pid in [b['pid'] for b in w['blockers']] and w['wait_ms'] > 0 for w in s['lock_waits'])"
check "and nobody was signalled" json_has "$step" "all(w['signalled'] == [] for w in s['lock_waits'])"
lr_expect 0 "downgrade to 0002" downgrade 0002
hold_lock 0.6
sleep 0.3
lr_expect 0 "--old-transaction-age 0: not reported" upgrade 0003 --json --lock-timeout 1s --lock-retries 1 \
  --old-transaction-age 0
wait "$blocker" 2>/dev/null
check "no report" bash -c "! grep -q 'old transaction' '$WORK/err'"
check "a step that did not time out: one attempt, nothing listed" \
  json_has "$(step_of 0003)" "s['attempts'] == 1 and s['lock_waits'] == [] and s['old_transactions'] == []"

lr_expect 0 "downgrade to 0002" downgrade 0002
lr_expect 2 "--cancel-blockers-after needs --lock-retries" upgrade --lock-timeout 1s --cancel-blockers-after 1s
check "and says so" err_has "needs lock retries"
lr_expect 2 "--cancel-blockers-after takes a duration" upgrade --lock-timeout 1s --lock-retries 3 --cancel-blockers-after soon

# A blocker that runs a query: its query is cancelled.
hold_lock 60
lr_expect 0 "--cancel-blockers-after cancels a running blocker" upgrade 0003 --json --lock-timeout 200ms \
  --lock-retries 20 --retry-backoff 200ms:200ms --cancel-blockers-after 500ms
check "says whom it cancelled" err_matches "cancelled the query of pid $blocker_pid after [0-9]+ s of waiting"
check "the --json step says so" \
  json_has "$(step_of 0003)" "{'pid': $blocker_pid, 'action': 'cancel', 'ok': True} in sum((w['signalled'] for w in s['lock_waits']), [])"
wait "$blocker" 2>/dev/null
check "the blocker's session is gone or idle" \
  test "$(lrsql "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'lr_blocker' AND l.granted AND l.relation = 'busy'::regclass")" = 0
check "at 0003" test "$(lr_version)" = 0003

# A blocker idle in a transaction: nothing to cancel, so it is terminated.
lr_expect 0 "downgrade to 0002" downgrade 0002
mkfifo "$WORK/idle_in"
PGAPPNAME=lr_idle psql -X -q -d "$LRDB" <"$WORK/idle_in" >/dev/null 2>&1 &
idle=$!
exec 9>"$WORK/idle_in"
echo "BEGIN; SELECT count(*) FROM busy;" >&9
idle_pid=""
for _ in $(seq 100); do
  idle_pid="$(lrsql "SELECT pid FROM pg_stat_activity WHERE application_name = 'lr_idle' AND state = 'idle in transaction'")"
  [ -n "$idle_pid" ] && break
  sleep 0.05
done
lr_expect 0 "--cancel-blockers-after terminates a blocker idle in a transaction" upgrade 0003 --lock-timeout 200ms \
  --lock-retries 20 --retry-backoff 200ms:200ms --cancel-blockers-after 300ms
check "says it terminated it" err_matches "terminated pid $idle_pid \(idle in a transaction\)"
check "the session is gone" test -z "$(lrsql "SELECT pid FROM pg_stat_activity WHERE pid = 0$idle_pid")"
exec 9>&-
wait "$idle" 2>/dev/null
rm -f "$WORK/idle_in"

# A login without pg_signal_backend is refused before anything runs.
LRLOGIN="mmct_lr_login_$suffix"
EXTRA_ROLES+=("$LRLOGIN")
lrsql "CREATE ROLE \"$LRLOGIN\" LOGIN IN ROLE \"$LROWNER\"" >/dev/null
lr_expect 0 "downgrade to 0002" downgrade 0002
expect_with run 1 "refused without pg_signal_backend" --dsn "dbname=$LRDB user=$LRLOGIN" --provider "$LR" \
  upgrade --lock-timeout 1s --lock-retries 3 --cancel-blockers-after 1s
check "naming the grant it needs" err_has "GRANT pg_signal_backend TO $LRLOGIN"
check "nothing ran" test "$(lr_version)" = 0002
lrsql "GRANT pg_signal_backend TO \"$LRLOGIN\"" >/dev/null
expect_with run 0 "with it, the same login may" --dsn "dbname=$LRDB user=$LRLOGIN" --provider "$LR" \
  upgrade 0003 --lock-timeout 1s --lock-retries 3 --cancel-blockers-after 1s
lrsql "REVOKE pg_signal_backend FROM \"$LRLOGIN\"" >/dev/null

# The live line: what metamigrate.progress shows, read while the call
# waits (printed as "live:" lines under -v when stderr is no terminal).
lr_expect 0 "downgrade to 0002" downgrade 0002
for credential in "" --no-temp-credential; do
  hold_lock 2.5
  lr_expect 0 "a long lock wait ${credential:-with a temporary login}" -v upgrade 0003 --lock-timeout 20s $credential
  wait "$blocker" 2>/dev/null
  check "the live line shows the step, statement and blocker" \
    err_matches "^live: \[1/1\] 0003, statement 2 of 2: waiting for AccessExclusiveLock on busy \(blocked by pid $blocker_pid\), [0-9.]+ s$"
  # The wait is shown once, not at every poll; a poll that falls between
  # the lock's grant and the statement's end may add one "running" line.
  check "once per change" test "$(grep -c '^live: .*waiting for' "$WORK/err")" = 1
  check "and no state twice in a row" \
    test "$(sed -n 's/^live: \(.*\), [0-9.]* s$/\1/p' "$WORK/err" | uniq -d | wc -l)" = 0
  lr_expect 0 "downgrade to 0002" downgrade 0002
done
lr_expect 0 "a quick upgrade" -v upgrade 0003
check "has no live line" bash -c "! grep -q '^live: ' '$WORK/err'"
