# Sourced by run.sh (uses its helpers and counters): lint, interrupted
# non-transactional revisions and repair, timeouts with the blocking
# session named; on a database and provider of their own.

echo "== lint"
SDB="mmct_safe_$suffix"
SOWNER="mmct_safe_owner_$suffix"
SP="$WORK/safe/migrations"
SV="$SP/versions/main"
EXTRA_DBS+=("$SDB")
EXTRA_ROLES+=("$SOWNER")
createdb "$SDB"
sm() { run --dsn "dbname=$SDB" --provider "$SP" "$@"; }
sm_expect() { expect_with sm "$@"; }
ssql() { sql -d "$SDB" -c "$1"; }
sm_fill() { fill_revision_in "$SV" "$@"; }  # ID UP DOWN
# line_of ID TEXT: the file line of the first line containing TEXT.
line_of() { grep -nF -- "$2" "$(ls "$SV/$1"_*.sql)" | head -1 | cut -d: -f1; }
file_of() { ls "$SV/$1"_*.sql; }
set_manifest_option() {  # "key": value pairs to add (JSON fragment) or "" for none
  cat >"$SP/metamigrate.json" <<EOF
{
  "package": "safe",
  "namespace": "main",
  "owner_role": "$SOWNER"${1:+,
  $1}
}
EOF
}
sm_expect 0 "scaffold" scaffold --package safe --namespace main --owner-role "$SOWNER" --dir "$SP"
sql -d "$SDB" -f "$WORK/out" >/dev/null
set_manifest_option ""
sm_expect 0 "revision 1" revision -m "tables" --rev-id s1_tables
sm_fill s1_tables "CREATE TABLE safe_account (id bigint PRIMARY KEY, name text NOT NULL, email text);
INSERT INTO safe_account SELECT g, 'n' || g, 'e' || (g % 3) FROM generate_series(1, 20) g;" "DROP TABLE safe_account;"
sm_expect 0 "upgrade to s1" upgrade
sm_expect 0 "revision 2 with risky statements" revision -m "risky" --rev-id s2_risky
sm_fill s2_risky "SELECT 1;

CREATE INDEX safe_account_name_idx ON safe_account (name);
ALTER TABLE safe_account ADD COLUMN token uuid DEFAULT gen_random_uuid();" "ALTER TABLE safe_account DROP COLUMN token;
DROP INDEX safe_account_name_idx;"
sm_expect 0 "lint with warnings only" lint
index_line="$(line_of s2_risky "CREATE INDEX safe_account_name_idx")"
token_line="$(line_of s2_risky "ADD COLUMN token")"
drop_line="$(line_of s2_risky "DROP COLUMN token")"
check "file:line: rule: message with the file's line" \
  grep -qE "^$(file_of s2_risky | sed 's/[.]/\\./g'):$index_line: require-concurrent-index: .* \(warning\)$" "$WORK/out"
check "the volatile default is on its own file line" grep -qE ":$token_line: volatile-default: " "$WORK/out"
check "downgrade sections are linted too, at their file lines" grep -qE ":$drop_line: data-loss: " "$WORK/out"
check "a summary on stderr" err_has "lint: 2 files, 0 errors,"
sm_expect 1 "lint --strict fails on warnings" lint --strict
sm_expect 0 "lint --json" --json lint
check "--json lists findings with file, line, rule, severity" \
  bash -c "grep -q '\"rule\": \"require-concurrent-index\"' '$WORK/out' && grep -q '\"line\": $index_line' '$WORK/out' && grep -q '\"severity\": \"warning\"' '$WORK/out'"
sm_expect 0 "lint one FILE" lint "$(file_of s1_tables)"
check "only that file's findings" bash -c "[ -s '$WORK/out' ] && ! grep -v '^$(file_of s1_tables):' '$WORK/out' && grep -q 'lint: 1 file, 0 errors, 2 warnings' '$WORK/err'"
set_manifest_option '"lock_timeout": "2s"'
sm_expect 0 "lint with the manifest's lock_timeout" lint
check "missing-lock-timeout is silent then" bash -c "! grep -q 'missing-lock-timeout' '$WORK/out'"
set_manifest_option ""
sm_expect 0 "revision 3 with an error" revision -m "concurrently in a transaction" --rev-id s3_bad
sm_fill s3_bad "CREATE INDEX CONCURRENTLY safe_account_email_idx ON safe_account (email);" "DROP INDEX safe_account_email_idx;"
sm_expect 1 "lint exits 1 on an error" lint
check "concurrently-in-transaction is an error" grep -qE ":$(line_of s3_bad "CREATE INDEX CONCURRENTLY"): concurrently-in-transaction: .*\(error\)$" "$WORK/out"
run --dsn "dbname=$BARE" --provider "$SP" lint
check "lint without the extension: exit 1" test "$rc" -eq 1
check "and says the database lacks the extension" err_has "has no metamigrate extension"
expect 2 "lint of a file that does not exist" --dsn "dbname=$SDB" --provider "$SP" lint "$SV/nope.sql"

echo "== upgrade lints what it is about to apply"
rm "$(file_of s3_bad)"
sm_expect 1 "upgrade --strict-lint refuses" upgrade --strict-lint
check "it says why" err_has "lint found"
check "it lists the findings on stderr" err_matches "^lint: .*s2_risky_risky\.sql:$index_line: require-concurrent-index"
check_eq "nothing applied" "$(ssql "SELECT version_num FROM safe_alembic_version")" s1_tables
sm_expect 0 "upgrade prints the findings and applies" upgrade
check "findings printed" err_matches "^lint: .*:$token_line: volatile-default"
check "only the revisions it applies" bash -c "! grep -q 's1_tables' '$WORK/err'"
check_eq "applied" "$(ssql "SELECT version_num FROM safe_alembic_version")" s2_risky
sm_expect 0 "downgrade lints the downgrade section" downgrade -1
check "downgrade finding" err_matches "^lint: .*:$drop_line: data-loss"
sm_expect 0 "--no-lint" upgrade --no-lint
check "prints no findings" bash -c "! grep -q '^lint:' '$WORK/err'"

echo "== an interrupted non-transactional revision"
sm_expect 0 "non-transactional revision" revision -m "indexes" --rev-id s4_indexes --non-transactional
sm_fill s4_indexes "CREATE INDEX CONCURRENTLY safe_account_id_name_idx ON safe_account (id, name);
CREATE INDEX CONCURRENTLY safe_later_idx ON safe_later (id);
CREATE UNIQUE INDEX CONCURRENTLY safe_account_email_key ON safe_account (email);" \
  "DROP INDEX CONCURRENTLY safe_account_email_key;
DROP INDEX CONCURRENTLY safe_later_idx;
DROP INDEX CONCURRENTLY safe_account_id_name_idx;"
sm_expect 1 "statement 2 fails" upgrade
check "the error names statement 2 and its file line" \
  bash -c "grep -q 'statement 2, line 2 (run by the client outside a transaction)' '$WORK/err' && grep -q 's4_indexes_indexes.sql:$(line_of s4_indexes 'safe_later_idx ON')' '$WORK/err'"
check "it says statement 1 is committed" err_has "Statements 1-1 of revision s4_indexes ran and are committed"
check "it offers repair" err_has "metamigrate repair --resume"
check "the journal records it" grep -q '"failed_statement": 2' "$SP/.metamigrate/interrupted.json"
check_eq "statement 1 is committed" "$(ssql "SELECT count(*) FROM pg_class WHERE relname = 'safe_account_id_name_idx'")" 1
check_eq "the revision is not recorded" "$(ssql "SELECT version_num FROM safe_alembic_version")" s2_risky
sm_expect 0 "current reports it" current
check "current: what ran and what failed" err_has "revision s4_indexes (upgrade, non-transactional) was interrupted"
check "current: statements 1-1 committed, statement 2 failed" \
  bash -c "grep -q 'statements 1-1 of 3 ran and are committed; statement 2' '$WORK/err'"
sm_expect 0 "current --json has the interruption" current --json
check "--json interrupted" bash -c "grep -q '\"interrupted\": {' '$WORK/out' && grep -q '\"committed_statements\": 1' '$WORK/out'"
sm_expect 1 "upgrade refuses while it is interrupted" upgrade
check "refusal says why" err_has "refusing to upgrade safe:main: revision s4_indexes"
check_eq "nothing ran again" "$(ssql "SELECT count(*) FROM metamigrate.history WHERE revision = 's4_indexes'")" 0
ssql "SET ROLE \"$SOWNER\"; CREATE TABLE safe_later (id int)" >/dev/null
sm_expect 1 "repair --resume stops at the next failing statement" repair --resume
# A failed build leaves an INVALID index in PostgreSQL; metamigrate drops it.
check "a failed unique CONCURRENTLY leaves no INVALID index: dropped, and said" \
  bash -c "grep -q 'dropped the INVALID index safe_account_email_key' '$WORK/err' &&
           [ \"\$(psql -X -At -d '$SDB' -c 'SELECT count(*) FROM pg_index WHERE NOT indisvalid')\" = 0 ]"
check "the record now says statement 3" grep -q '"failed_statement": 3' "$SP/.metamigrate/interrupted.json"
ssql "DROP INDEX CONCURRENTLY IF EXISTS safe_account_email_key" >/dev/null
ssql "UPDATE safe_account SET email = email || id" >/dev/null
sm_expect 0 "repair --resume runs the rest and records it" repair --resume
check "it says what it ran" out_has "resumed s4_indexes (upgrade): ran statements 3-3 and recorded it"
check_eq "recorded" "$(ssql "SELECT version_num FROM safe_alembic_version")" s4_indexes
check "the record is gone" bash -c "! grep -q 's4_indexes' '$SP/.metamigrate/interrupted.json'"
sm_expect 0 "repair with nothing recorded" repair --resume
check "says nothing to repair" out_has "nothing to repair"
sm_expect 2 "repair needs one action" repair

echo "== lock timeouts name the table and the blocking session"
# hold_lock TABLE: a session that holds ACCESS EXCLUSIVE on TABLE for 30s; sets $locker_pid.
hold_lock() {
  psql -X -q -d "$SDB" -c "BEGIN; LOCK TABLE $1; SELECT pg_sleep(30); COMMIT;" >/dev/null 2>&1 &
  locker=$!
  locker_pid=""
  for _ in $(seq 100); do
    locker_pid="$(ssql "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '$1' AND l.mode = 'AccessExclusiveLock' AND l.granted")"
    [ -n "$locker_pid" ] && break
    sleep 0.1
  done
}
release_lock() {
  ssql "SELECT pg_terminate_backend($locker_pid)" >/dev/null
  wait "$locker" 2>/dev/null
}
# A downgrade of the non-transactional revision whose statement 2 waits
# for a lock: interrupted, then finished by hand and marked applied.
hold_lock safe_later
sm_expect 1 "downgrade of s4 with a held lock" downgrade -1 --lock-timeout 300ms
check "lock timeout [55P03]" err_has "error [55P03]"
check "names the table it waited for" err_matches "it was waiting for a lock on (public\.)?safe_later \(pg_blocking_pids\)"
check "names the blocking pid, its lock, state and query" \
  err_matches "blocked by: AccessExclusiveLock on (public\.)?safe_later: pid $locker_pid, user postgres, active, transaction since [0-9-]+ .*: BEGIN; LOCK TABLE safe_later"
check "how to end it" err_has "pg_terminate_backend($locker_pid)"
check "statement 1 committed, statement 2 interrupted" err_has "Statements 1-1 of revision s4_indexes ran and are committed"
release_lock
sm_expect 0 "current shows the interrupted downgrade" current
check "current: the downgrade" err_has "revision s4_indexes (downgrade, non-transactional) was interrupted"
sm_expect 1 "downgrade refuses meanwhile" downgrade -1
ssql "DROP INDEX safe_later_idx; DROP INDEX safe_account_id_name_idx" >/dev/null
sm_expect 0 "repair --mark-applied" repair --mark-applied
check "it says so" out_has "marked s4_indexes (downgrade) as done without running SQL"
check_eq "the revision is reverted in the version table" "$(ssql "SELECT version_num FROM safe_alembic_version")" s2_risky
check_eq "history has the step" "$(ssql "SELECT direction FROM metamigrate.history WHERE revision = 's4_indexes' ORDER BY id DESC LIMIT 1")" downgrade
# Interrupted again, undone by hand, forgotten: the next upgrade starts over.
ssql "DROP TABLE safe_later" >/dev/null
sm_expect 1 "upgrade interrupted at statement 2 again" upgrade
ssql "DROP INDEX safe_account_id_name_idx" >/dev/null
sm_expect 0 "repair --forget" repair --forget
check "it says so" out_has "forgot the interruption of s4_indexes (upgrade)"
ssql "SET ROLE \"$SOWNER\"; CREATE TABLE safe_later (id int)" >/dev/null
sm_expect 0 "the next upgrade runs it from statement 1" upgrade
check "three statements ran" out_has "upgrade s4_indexes indexes  (3 statements"

# A transactional revision blocked by a lock: the manifest's lock_timeout.
set_manifest_option '"lock_timeout": "200ms", "statement_timeout": "600ms"'
sm_expect 0 "revision that locks safe_account" revision -m "add note" --rev-id s5_note
sm_fill s5_note "SELECT 1;
ALTER TABLE safe_account ADD COLUMN note text;" "ALTER TABLE safe_account DROP COLUMN note;"
hold_lock safe_account
# The blockers come from the watcher's sample taken while the statement
# waited, or, when the timeout struck before a sample (a loaded machine),
# from metamigrate.lock_holders afterwards: either way table and pid.
sm_expect 1 "upgrade fails fast with the manifest's lock_timeout" upgrade
check "[55P03]" err_has "error [55P03]"
check "names the statement's file line" err_has "s5_note_add_note.sql:$(line_of s5_note "ADD COLUMN note")"
check "names the table and the blocking pid" \
  err_matches "blocked by: AccessExclusiveLock on (public\.)?safe_account(:| held by) pid $locker_pid, user postgres, active"
sm_expect 1 "the same as yourself (--no-temp-credential): from lock_holders" upgrade --no-temp-credential
check "names the table and the blocking pid" \
  err_matches "blocked by: AccessExclusiveLock on (public\.)?safe_account held by pid $locker_pid, user postgres, active"
check "lint knew the lock timeout was set" bash -c "! grep -q 'missing-lock-timeout' '$WORK/err'"
release_lock
sm_expect 0 "after the lock is gone" upgrade
sm_expect 0 "revision that sleeps" revision -m "slow" --rev-id s6_slow
sm_fill s6_slow "SELECT pg_sleep(1);" ""
sm_expect 1 "the manifest's statement_timeout cancels it" upgrade
check "[57014]" err_has "error [57014]"
sm_expect 0 "--statement-timeout on the command line wins" upgrade --statement-timeout 5s
check_eq "applied" "$(ssql "SELECT version_num FROM safe_alembic_version")" s6_slow
set_manifest_option '"lock_timeout": "soon"'
sm_expect 2 "a bad duration in the manifest is bad input" current
check "names the manifest and line" err_matches "safe/migrations/metamigrate.json:5: .*is not a duration"
set_manifest_option ""

echo "== verify"
sm_expect 0 "verify right after a migration is clean" verify
check "says the schema matches" err_has "safe:main: the schema matches the state stored after the last migration"
ssql "ALTER TABLE safe_account ADD COLUMN by_hand int; ALTER TABLE safe_account ALTER COLUMN name SET DEFAULT 'anon'" >/dev/null
sm_expect 1 "a column added and a default changed by hand are drift" verify
check "names the added column" grep -qE '^drift: .*safe_account.*by_hand' "$WORK/out"
check "names the changed default" grep -qE "^drift: .*safe_account.*name.*default.*anon" "$WORK/out"
check "says how to resolve it" err_has "write a revision for wanted changes"
sm_expect 1 "--json" verify --json
check "--json lists the drift, not clean" bash -c "grep -q '\"clean\": false' '$WORK/out' && grep -q 'by_hand' '$WORK/out'"
ssql "ALTER TABLE safe_account DROP COLUMN by_hand; ALTER TABLE safe_account ALTER COLUMN name DROP DEFAULT" >/dev/null
sm_expect 0 "undone by hand: clean again" verify
ssql "DROP INDEX safe_account_id_name_idx" >/dev/null
sm_expect 1 "an index dropped by hand is drift" verify
check "names the index" grep -qE '^drift: .*safe_account_id_name_idx' "$WORK/out"
sm_expect 0 "stamp accepts the live schema as the new baseline" stamp s6_slow
sm_expect 0 "clean after the stamp" verify
ssql "CREATE SCHEMA safe_elsewhere; CREATE TABLE safe_elsewhere.t (id int)" >/dev/null
sm_expect 0 "objects outside the manifest's schemas are not drift" verify
set_manifest_option '"schemas": ["public", "safe_elsewhere"]'
sm_expect 0 "the manifest's schemas reach the server with the next migration" stamp s6_slow
ssql "ALTER TABLE safe_elsewhere.t ADD COLUMN later int" >/dev/null
sm_expect 1 "then a change there is drift" verify
check "names it" grep -qE '^drift: .*safe_elsewhere.*later' "$WORK/out"
ssql "SET client_min_messages = warning; DROP SCHEMA safe_elsewhere CASCADE" >/dev/null
set_manifest_option ""
sm_expect 0 "back to public only" stamp s6_slow
ssql "DELETE FROM safe_alembic_version" >/dev/null
sm_expect 1 "a version table changed behind metamigrate's back is stale" verify
check "says so" grep -q "^stale: the stored state belongs to heads \[s6_slow\], the version table holds \[\]" "$WORK/out"
sm_expect 0 "stamp takes a new baseline" stamp s6_slow
sm_expect 0 "clean" verify
