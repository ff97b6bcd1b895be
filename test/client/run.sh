#!/usr/bin/env bash
# Client tests: the real `metamigrate` binary against a running cluster.
#
# Needs PGHOST/PGPORT/PGUSER (a superuser) of a cluster on which
# `make install` has been done (extension available, not created). Creates
# its own databases and roles, removes them at the end, and prints a final
# line "N passed, M failed" (exit status 1 when anything failed).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
MM="${METAMIGRATE_BIN:-$here/../../build/metamigrate}"
[ -x "$MM" ] || { echo "client binary not found at $MM (run make)"; echo "0 passed, 1 failed"; exit 1; }
MM="$(cd "$(dirname "$MM")" && pwd)/$(basename "$MM")"

# Nothing from the caller's environment may pick another database.
unset METAMIGRATE_DSN DATABASE_URL PGDATABASE PGPASSWORD PGSERVICE

suffix="$$"
DB="mmct_main_$suffix"           # the database migrated online
BARE="mmct_bare_$suffix"         # no extension: offline scripts are applied here
BARE2="mmct_bare2_$suffix"
OWNER="mmct_owner_$suffix"       # the provider's owner role
LOGIN="mmct_login_$suffix"       # a non-superuser that runs migrations
SECRET="Sup3rSecretPw$suffix"    # must never be printed
WORK="$(mktemp -d /tmp/metamigrate-client-test.XXXXXX)"
PROVIDER="$WORK/migrations"
VERSIONS="$PROVIDER/versions/sdk-examples"

passed=0
failed=0
# Databases and roles the sourced parts create (removed at the end too).
EXTRA_DBS=()
EXTRA_ROLES=()

# Drops the temporary migration logins the client had the server issue in
# database $1 (cluster-wide roles outlive a dropped database).
drop_credentials() {
  local role
  for role in $(psql -X -At -d "$1" -c "SELECT role_name FROM metamigrate.credential" 2>/dev/null); do
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1
  done
}

cleanup() {
  for db in "$DB" "$BARE" "$BARE2" "${EXTRA_DBS[@]}"; do
    drop_credentials "$db"
    dropdb --if-exists "$db" >/dev/null 2>&1
  done
  for role in "$LOGIN" "$OWNER" "${EXTRA_ROLES[@]}"; do
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

source "$here/../lib/checks.sh"

# expect_with FUNC CODE DESCRIPTION ARGS...: FUNC ARGS (run, or a part's
# wrapper adding --dsn/--provider) exits with CODE.
expect_with() {
  local via="$1" code="$2" what="$3"
  shift 3
  "$via" "$@"
  if [ "$rc" -eq "$code" ]; then pass "$what (exit $code)"; else fail "$what: expected exit $code, got $rc"; fi
}
# expect CODE DESCRIPTION CMD...: the command exits with CODE.
expect() { expect_with run "$@"; }
err_matches() { grep -qE -- "$1" "$WORK/err"; }
err_is_one_line() { [ "$(wc -l <"$WORK/err")" -eq 1 ]; }
nothing_has_secret() { ! grep -qF -- "$SECRET" "$WORK/out" "$WORK/err"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# Replaces both SQL sections of the revision file of id $1.
# fill_revision_in DIR ID UP DOWN: the SQL sections of revision ID in DIR.
fill_revision_in() {
  local file
  file="$(ls "$1/$2"_*.sql)"
  UP="$3" DOWN="$4" awk '
    /^-- metamigrate:upgrade$/ { print; print ENVIRON["UP"]; print ""; print "-- metamigrate:downgrade"; print ENVIRON["DOWN"]; exit }
    { print }' "$file" >"$file.new" && mv "$file.new" "$file"
}
fill_revision() { fill_revision_in "$VERSIONS" "$@"; }

echo "== setup"
createdb "$DB" && createdb "$BARE" && createdb "$BARE2" || { echo "0 passed, 1 failed"; exit 1; }
export PGDATABASE="$DB"
cd "$WORK" || exit 1

# MMCT_ONLY=meta_tables (or safety, autogenerate): only that part, for quick iterations.
if [ -n "${MMCT_ONLY:-}" ]; then
  source "$here/$MMCT_ONLY.sh"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
fi

echo "== version and help"
expect 0 "--version" --version
check "--version prints the version" grep -qE '^metamigrate [0-9]+\.[0-9]+\.[0-9]+$' "$WORK/out"
expect 0 "--help" --help
check "--help lists no empty 'not implemented' line" bash -c "! grep -qE 'Not implemented yet[^:]*: *$' '$WORK/out'"
for command in scaffold revision merge heads branches history show current upgrade downgrade stamp lint repair check verify reap import adopt-ownership; do
  run "$command" --help
  if [ "$rc" -eq 0 ] && grep -q "^Examples:" "$WORK/out" && grep -q "metamigrate $command" "$WORK/out"; then
    pass "$command --help shows an example"
  else
    fail "$command --help shows an example"
  fi
done
expect 2 "no command is bad usage"
expect 2 "unknown command" frobnicate

echo "== scaffold"
expect 0 "scaffold" scaffold --package sdk_examples --namespace sdk-examples --owner-role "$OWNER"
cp "$WORK/out" "$WORK/setup.sql"
check "manifest written" test -f "$PROVIDER/metamigrate.json"
check "schema/ and versions/<namespace>/ created" test -d "$PROVIDER/schema" -a -d "$VERSIONS"
check "DBA SQL creates the owner role" grep -q "CREATE ROLE \"$OWNER\" NOLOGIN" "$WORK/setup.sql"
check "DBA SQL creates the extension" grep -q "CREATE EXTENSION IF NOT EXISTS metamigrate" "$WORK/setup.sql"
check "DBA SQL grants CREATE on public" grep -q "GRANT USAGE, CREATE ON SCHEMA \"public\" TO \"$OWNER\"" "$WORK/setup.sql"
check "DBA SQL runs with psql" sql -d "$DB" -f "$WORK/setup.sql"
check "DBA SQL can run twice" sql -d "$DB" -f "$WORK/setup.sql"
expect 2 "scaffold never overwrites a provider" scaffold --package sdk_examples --namespace sdk-examples
expect 2 "scaffold rejects a bad package name" scaffold --package 'bad name' --namespace x --dir "$WORK/other"
sql -d postgres -c "CREATE ROLE \"$LOGIN\" LOGIN PASSWORD '$SECRET' IN ROLE \"$OWNER\"" >/dev/null

echo "== revisions"
expect 0 "revision 1" revision -m "create account" --rev-id 0001_account
expect 0 "revision 2" revision -m "create account limit" --rev-id 0002_limit
check "revision 2 builds on revision 1" grep -q '^-- down_revision: 0001_account$' "$VERSIONS"/0002_limit_create_account_limit.sql
expect 0 "revision 3 with a random id" --json revision -m "Add account status!"
rev3="$(sed -n 's/.*"revision": "\([0-9a-f]*\)".*/\1/p' "$WORK/out")"
check "random ids are 12 hex digits" grep -qE '^[0-9a-f]{12}$' <<<"$rev3"
check "file name is <id>_<slug>.sql" test -f "$VERSIONS/${rev3}_add_account_status.sql"
fill_revision 0001_account \
  "CREATE TABLE sdk_examples_account (id bigint PRIMARY KEY, name text NOT NULL);" \
  "DROP TABLE sdk_examples_account;"
fill_revision 0002_limit \
  "CREATE TABLE sdk_examples_account_limit (account_id bigint NOT NULL REFERENCES sdk_examples_account, amount numeric NOT NULL);" \
  "DROP TABLE sdk_examples_account_limit;"
fill_revision "$rev3" \
  "ALTER TABLE sdk_examples_account ADD COLUMN status varchar(32) NOT NULL DEFAULT 'active';" \
  "ALTER TABLE sdk_examples_account DROP COLUMN status;"
expect 0 "heads" heads
check "heads shows the third revision" out_has "$rev3 (head)"
expect 0 "history" history
check "history lists newest first" bash -c "head -1 '$WORK/out' | grep -q '^0002_limit -> $rev3 (head), Add account status!'"
check "history ends at base" bash -c "tail -1 '$WORK/out' | grep -q '^<base> -> 0001_account, create account'"
expect 0 "show head" show head
check "show prints the upgrade SQL" out_has "ADD COLUMN status"

echo "== upgrade, current, downgrade -1, history (online)"
expect 0 "upgrade to head" upgrade
check "upgrade prints what was applied" out_has "upgrade 0001_account create account"
check "all three applied" out_has "(base) -> $rev3 (3 revisions"
check "tables are owned by the owner role" \
  test "$(sql -c "SELECT tableowner FROM pg_tables WHERE tablename = 'sdk_examples_account'")" = "$OWNER"
expect 0 "current --json" current --json
check "current --json names the provider" out_has '"provider": "sdk_examples:sdk-examples"'
check "current --json lists the head" bash -c "grep -A2 '\"heads\": \\[' '$WORK/out' | grep -q '\"$rev3\"'"
expect 0 "current" current
check "current marks (head)" out_has "$rev3 (head)"
expect 0 "downgrade -1 as typed" downgrade -1
check "downgrade -1 reverted the third revision" out_has "downgrade $rev3"
check "version table after downgrade -1" \
  test "$(sql -c 'SELECT version_num FROM sdk_examples_alembic_version')" = "0002_limit"
check "column dropped" test "$(sql -c "SELECT count(*) FROM information_schema.columns WHERE column_name = 'status' AND table_name = 'sdk_examples_account'")" = 0
expect 0 "current after downgrade" current
check "0002_limit is current but not a head" bash -c "grep -q '^0002_limit, create account limit' '$WORK/out'"
expect 0 "history after downgrade" history --verbose
check "history --verbose shows details" out_has "Revision ID: 0001_account"
expect 0 "history -r" history -r 0001_account:0002_limit
check "history -r limits the range" bash -c "[ \$(wc -l <'$WORK/out') -eq 2 ]"
expect 0 "upgrade --json" --json upgrade
check "upgrade --json has from, to and steps" bash -c "grep -q '\"from\"' '$WORK/out' && grep -q '\"to\"' '$WORK/out' && grep -q '\"duration_ms\"' '$WORK/out'"
expect 0 "upgrade again is a no-op" upgrade
check "no-op says so" out_has "nothing to upgrade"
expect 0 "stamp 0001_account" stamp 0001_account
check "stamp moved the version table" test "$(sql -c 'SELECT version_num FROM sdk_examples_alembic_version')" = "0001_account"
expect 0 "stamp head back" stamp head

echo "== offline --sql scripts on a database without the extension"
sql -d "$BARE" -c "GRANT USAGE, CREATE ON SCHEMA public TO \"$OWNER\""
sql -d "$BARE2" -c "GRANT USAGE, CREATE ON SCHEMA public TO \"$OWNER\""
expect 0 "upgrade --sql base:head" upgrade --sql base:head
cp "$WORK/out" "$WORK/upgrade.sql"
check "script begins a transaction" grep -q '^BEGIN;$' "$WORK/upgrade.sql"
check "script creates the version table" grep -q 'CREATE TABLE IF NOT EXISTS "public"."sdk_examples_alembic_version" ("version_num" VARCHAR(32) NOT NULL, CONSTRAINT "sdk_examples_alembic_version_pkc" PRIMARY KEY ("version_num"))' "$WORK/upgrade.sql"
check "script has a comment header per revision" grep -q "^-- Running upgrade 0002_limit -> $rev3: Add account status!" "$WORK/upgrade.sql"
check "script commits" bash -c "grep -v '^RESET ROLE;$' '$WORK/upgrade.sql' | grep -v '^$' | tail -1 | grep -q '^COMMIT;$'"
check "extension absent from the bare database" test "$(sql -d "$BARE" -c "SELECT count(*) FROM pg_extension WHERE extname = 'metamigrate'")" = 0
check "plain psql applies the script" sql -d "$BARE" -f "$WORK/upgrade.sql"
check "same version row as the online upgrade" \
  test "$(sql -d "$BARE" -c 'SELECT version_num FROM sdk_examples_alembic_version')" = "$(sql -d "$DB" -c 'SELECT version_num FROM sdk_examples_alembic_version')"
check "offline objects owned by the owner role" \
  test "$(sql -d "$BARE" -c "SELECT tableowner FROM pg_tables WHERE tablename = 'sdk_examples_account'")" = "$OWNER"
expect 0 "downgrade --sql head:0001_account" downgrade --sql "$rev3:0001_account"
check "plain psql applies the downgrade script" sql -d "$BARE" -f "$WORK/out"
check "version row after the offline downgrade" test "$(sql -d "$BARE" -c 'SELECT version_num FROM sdk_examples_alembic_version')" = "0001_account"
expect 0 "upgrade --sql reads FROM from the database" --dsn "dbname=$BARE" upgrade --sql head
check "script starts from the database's row" out_has "-- from: 0001_account (read from"
check "no DDL when the version table exists" bash -c "! grep -q 'CREATE TABLE IF NOT EXISTS \"public\".\"sdk_examples_alembic_version\"' '$WORK/out'"
check "that script applies too" sql -d "$BARE" -f "$WORK/out"
check "bare database at the head" test "$(sql -d "$BARE" -c 'SELECT version_num FROM sdk_examples_alembic_version')" = "$rev3"
expect 0 "upgrade --sql on a database without version table" --dsn "dbname=$BARE2" upgrade --sql 0001_account
check "it creates the version table" grep -q 'CREATE TABLE IF NOT EXISTS' "$WORK/out"
check "and applies with psql" sql -d "$BARE2" -f "$WORK/out"
expect 2 "--sql does not combine with --json" --json upgrade --sql base:head

echo "== non-transactional revision (CREATE INDEX CONCURRENTLY)"
expect 0 "non-transactional revision" revision -m "index account name" --rev-id 0004_index --non-transactional
check "header says transactional: false" grep -q '^-- transactional: false$' "$VERSIONS"/0004_index_*.sql
fill_revision 0004_index \
  "CREATE INDEX CONCURRENTLY sdk_examples_account_name_idx ON sdk_examples_account (name);
CREATE INDEX CONCURRENTLY sdk_examples_account_limit_amount_idx
    ON sdk_examples_account_limit (amount);" \
  "DROP INDEX CONCURRENTLY sdk_examples_account_limit_amount_idx;
DROP INDEX CONCURRENTLY sdk_examples_account_name_idx;"
expect 0 "revision after the index" revision -m "add limit currency" --rev-id 0005_currency
fill_revision 0005_currency \
  "ALTER TABLE sdk_examples_account_limit ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';" \
  "ALTER TABLE sdk_examples_account_limit DROP COLUMN currency;"
expect 0 "downgrade to 0001_account first" downgrade 0001_account
expect 0 "mixed upgrade to head" upgrade
check "mixed upgrade says it runs in separate transactions" err_has "0004_index is non-transactional"
check "index step ran outside a transaction" out_has "upgrade 0004_index index account name  (2 statements"
check "index is valid" test "$(sql -c "SELECT bool_and(indisvalid) FROM pg_index WHERE indexrelid::regclass::text IN ('sdk_examples_account_name_idx', 'sdk_examples_account_limit_amount_idx')")" = t
check "index owned by the owner role" test "$(sql -c "SELECT tableowner FROM pg_tables WHERE tablename = 'sdk_examples_account_limit'")" = "$OWNER"
check "version table at the head" test "$(sql -c 'SELECT version_num FROM sdk_examples_alembic_version')" = 0005_currency
check "history recorded the client-run step" test "$(sql -c "SELECT count(*) FROM metamigrate.history WHERE revision = '0004_index' AND direction = 'upgrade'")" -ge 1
expect 0 "downgrade REV-2 through it" downgrade "0005_currency-2"
check "indexes dropped" test "$(sql -c "SELECT count(*) FROM pg_class WHERE relname = 'sdk_examples_account_name_idx'")" = 0
check "version table after downgrade" test "$(sql -c 'SELECT version_num FROM sdk_examples_alembic_version')" = "$rev3"
expect 0 "offline script with a non-transactional revision" upgrade --sql "$rev3:head"
check "script commits before CONCURRENTLY" bash -c "grep -B3 'CREATE INDEX CONCURRENTLY sdk_examples_account_name_idx' '$WORK/out' | grep -q '^COMMIT;'"
check "that script applies with psql" sql -d "$BARE" -f "$WORK/out"
check "bare database at 0005_currency" test "$(sql -d "$BARE" -c 'SELECT version_num FROM sdk_examples_alembic_version')" = 0005_currency
expect 0 "upgrade to head again" upgrade
if command -v script >/dev/null 2>&1; then
  # Progress goes to stderr only when it is a terminal: `script` gives one.
  run downgrade 0001_account
  script -qec "'$MM' upgrade" /dev/null >"$WORK/out" 2>&1
  check "progress lines on a terminal" grep -qE '^\[4/4\] 0005_currency add limit currency [0-9.]+ ms' "$WORK/out"
  run downgrade 0001_account
  script -qec "'$MM' -q upgrade" /dev/null >"$WORK/out" 2>&1
  check "no progress under -q" bash -c "! grep -q '^\[1/4\]' '$WORK/out'"
  run upgrade
  check "no progress when stderr is not a terminal" bash -c "! grep -q '^\[1/' '$WORK/err'"
fi

echo "== timeouts"
expect 0 "slow revision" revision -m "slow" --rev-id 0006_slow
fill_revision 0006_slow "SELECT pg_sleep(3);" ""
expect 1 "--statement-timeout cancels a long statement" upgrade --statement-timeout 200ms
check "statement timeout reported with its SQLSTATE" err_has "[57014]"
check "the failing file and line are named" err_matches "0006_slow_slow\.sql:1[0-9]"
check "nothing applied" test "$(sql -c 'SELECT version_num FROM sdk_examples_alembic_version')" = 0005_currency
# The files hold a non-transactional revision (0004_index), but this plan
# does not run it: one transaction, so its upload is rolled back too.
check "nor uploaded: the plan, not the files, chose one transaction" \
  test "$(sql -c "SELECT count(*) FROM metamigrate.revision WHERE revision = '0006_slow'")" = 0
fill_revision 0006_slow "ALTER TABLE sdk_examples_account ADD COLUMN note text;" "ALTER TABLE sdk_examples_account DROP COLUMN note;"
psql -X -q -d "$DB" -c "BEGIN; LOCK TABLE sdk_examples_account; SELECT pg_sleep(30); COMMIT;" >/dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do
  [ "$(sql -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'sdk_examples_account' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
  sleep 0.1
done
expect 1 "--lock-timeout gives up on a held lock" upgrade --lock-timeout 300ms
check "lock timeout reported with its SQLSTATE" err_has "[55P03]"
sql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" 2>/dev/null
expect 2 "a duration needs a unit" upgrade --lock-timeout 5
expect 0 "upgrade after the lock is gone" upgrade

echo "== server errors"
expect 0 "revision that fails" revision -m "broken" --rev-id 0007_broken
fill_revision 0007_broken "SELECT 1;

SELECT
  no_such_column
FROM sdk_examples_account;" ""
expect 1 "failing revision" upgrade
check "SQLSTATE printed" err_has "error [42703]"
check "file and line of the failing statement" err_has "0007_broken_broken.sql:14"
check "server context names revision and statement" err_has "revision 0007_broken (upgrade), statement 2, line 4"
check "nothing of it applied" test "$(sql -c 'SELECT version_num FROM sdk_examples_alembic_version')" = 0006_slow
fill_revision 0007_broken "SELECT 1;" ""
expect 0 "fixed revision applies" upgrade
expect 1 "downgrade to an unknown revision" downgrade nosuchrevision
check "undefined target has a SQLSTATE" err_matches '\[[0-9A-Z]{5}\]'

echo "== an edited applied revision is refused"
cp "$VERSIONS/0001_account_create_account.sql" "$WORK/0001.orig"
sed -i 's/name text NOT NULL/name text/' "$VERSIONS/0001_account_create_account.sql"
expect 1 "edited applied revision" upgrade
check "refused with MM002" err_has "[MM002]"
check "names the file" err_has "0001_account_create_account.sql"
cp "$WORK/0001.orig" "$VERSIONS/0001_account_create_account.sql"
printf '\xEF\xBB\xBF' >"$WORK/crlf" && sed 's/$/\r/' "$WORK/0001.orig" >>"$WORK/crlf"
cp "$WORK/crlf" "$VERSIONS/0001_account_create_account.sql"
expect 0 "the same revision with CRLF and a BOM is unchanged" upgrade
cp "$WORK/0001.orig" "$VERSIONS/0001_account_create_account.sql"

echo "== connection: DSN sources, masked passwords"
uri="postgresql://$LOGIN:$SECRET@/$DB?host=$(printf %s "$PGHOST" | sed 's|/|%2F|g')&port=${PGPORT:-5432}"
expect 0 "--dsn URI with a password, verbose" -v --dsn "$uri" current
check "verbose output masks the password" err_has "$LOGIN:***@"
check "no password anywhere (URI)" nothing_has_secret
expect 0 "conninfo with a password, verbose upgrade" -v --dsn "user=$LOGIN password=$SECRET dbname=$DB" upgrade
check "no password anywhere (conninfo)" nothing_has_secret
check "non-superuser member of the owner role may migrate" out_has "nothing to upgrade"
bad_uri="postgresql://$LOGIN:$SECRET@/$DB?host=$(printf %s "$PGHOST" | sed 's|/|%2F|g')&port=1"
expect 1 "connection failure" -v --dsn "$bad_uri" current
check "connection error names the masked target" err_has "***@"
check "no password in the connection error" nothing_has_secret
expect 2 "invalid connection string" --dsn "postgresql://$LOGIN:$SECRET@/x?badparam=1" current
check "no password in the parse error" nothing_has_secret
METAMIGRATE_DSN="dbname=$DB" DATABASE_URL="dbname=no_such_db_$suffix" "$MM" current >"$WORK/out" 2>"$WORK/err"
check "METAMIGRATE_DSN wins over DATABASE_URL" test $? -eq 0
DATABASE_URL="dbname=$DB" PGDATABASE="no_such_db_$suffix" "$MM" current >"$WORK/out" 2>"$WORK/err"
check "DATABASE_URL wins over libpq defaults" test $? -eq 0
METAMIGRATE_DSN="dbname=no_such_db_$suffix" "$MM" --dsn "dbname=$DB" current >"$WORK/out" 2>"$WORK/err"
check "--dsn wins over METAMIGRATE_DSN" test $? -eq 0
PGDATABASE="$DB" "$MM" current >"$WORK/out" 2>"$WORK/err"
check "libpq defaults (PGDATABASE) work" test $? -eq 0

echo "== branches and merges"
expect 0 "branch from 0006_slow" revision -m "side branch" --rev-id 0008_side --head 0006_slow --splice
expect 2 "a revision not filled in yet is refused by upgrade" upgrade
check "naming its upgrade marker line" err_has "0008_side_side_branch.sql:10: empty upgrade section in revision 0008_side"
expect 0 "but local commands work with it" heads
fill_revision 0008_side "-- no schema change" ""
expect 2 "several heads and no --head" revision -m "ambiguous"
check "names the heads" err_has "several heads"
expect 0 "branches" branches
check "branch point shown" out_has "0006_slow (branchpoint)"
expect 0 "merge heads" merge -m "merge side branch" --rev-id 0009_merge heads
check "merge lists both parents" grep -q '^-- down_revision: 0007_broken, 0008_side$' "$VERSIONS"/0009_merge_*.sql
expect 0 "heads after merge" heads
check "one head" test "$(wc -l <"$WORK/out")" -eq 1
expect 0 "upgrade through the merge" upgrade
check "version table holds the merge" test "$(sql -c "SELECT string_agg(version_num, ',') FROM sdk_examples_alembic_version")" = 0009_merge
expect 2 "show an unknown revision" show zzzz
expect 0 "a revision that is uploaded but never applied" revision -m "abandoned" --rev-id 0010_abandoned
fill_revision 0010_abandoned "SELECT 1;" ""
expect 0 "upgrade below it uploads it" upgrade 0009_merge
rm "$VERSIONS"/0010_abandoned_*.sql
expect 0 "its replacement" revision -m "replacement" --rev-id 0010_replacement
fill_revision 0010_replacement "SELECT 2;" ""
expect 0 "head means the local head" upgrade
check "the replacement is applied" test "$(sql -c 'SELECT version_num FROM sdk_examples_alembic_version')" = 0010_replacement

echo "== bad input files: one line file:line: message, exit 2"
# bad_case NAME EXPECTED_LINE FILE_CONTENT: a provider copy with one bad file.
bad_provider() {
  rm -rf "$WORK/bad" && mkdir -p "$WORK/bad/versions/ns"
  printf '{"package": "bad", "namespace": "ns", "owner_role": "bad_owner"}\n' >"$WORK/bad/metamigrate.json"
  printf -- '-- metamigrate:revision\n-- revision: r1\n-- down_revision:\n-- message: first\n\n-- metamigrate:upgrade\nSELECT 1;\n\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r1_first.sql"
}
# bad_case description, file (relative), expected line, message fragment [sections]:
# both a command that reads whole files (show) and one that reads only the
# headers (heads) report it; with "sections", a problem after the upgrade
# marker, only the whole-file reader does (heads neither reads nor checks the SQL).
bad_case() {
  local command
  for command in show heads; do
    [ "${5:-}" = sections ] && [ "$command" = heads ] && continue
    if [ "$command" = show ]; then run --provider "$WORK/bad" show r1; else run --provider "$WORK/bad" heads; fi
    if [ "$rc" -eq 2 ] && err_is_one_line && grep -qE "^$WORK/bad/$2:$3: " "$WORK/err" && err_has "$4"; then
      pass "$1 -> $2:$3 ($command)"
    else
      fail "$1 ($command): expected exit 2 and one line '$WORK/bad/$2:$3: ...$4...' (exit $rc)"
    fi
  done
}
bad_provider
run --provider "$WORK/bad" heads
check "the bad-input fixture itself is valid" test "$rc" -eq 0
printf -- '-- metamigrate:revision\n-- revision: r2\n-- message: no parent key\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "missing header key" versions/ns/r2.sql 1 'missing header key "down_revision"'
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n-- author: me\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "unknown header key" versions/ns/r2.sql 4 'unknown header key "author"'
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r1\n-- down_revision:\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r9_again.sql"
bad_case "duplicate id across files" versions/ns/r9_again.sql 2 'duplicate revision id "r1" (also in'
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r0\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "unknown parent" versions/ns/r2.sql 3 'down_revision "r0" is not a revision'
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n-- depends_on: r7\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "unknown depends_on" versions/ns/r2.sql 4 'depends_on "r7"'
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n\n-- metamigrate:upgrade\nSELECT 1;\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "missing downgrade section" versions/ns/r2.sql 6 "missing section '-- metamigrate:downgrade'" sections
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n\nSELECT 1;\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "SQL before the upgrade section" versions/ns/r2.sql 5 "SQL outside a section"
bad_provider
printf -- 'SELECT 1;\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "no revision header" versions/ns/r2.sql 1 "missing section"
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n-- message: caf\xe9\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "invalid UTF-8" versions/ns/r2.sql 4 "invalid UTF-8"
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n\n-- metamigrate:upgrade\nSELECT 1;\nSELECT \0;\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "NUL byte" versions/ns/r2.sql 7 "NUL byte"
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2_this_id_is_far_too_long_for_alembic\n-- down_revision: r1\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "id over 32 characters" versions/ns/r2.sql 2 "at most 32"
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n-- transactional: maybe\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "bad transactional value" versions/ns/r2.sql 4 "true or false"
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n-- metamigrate:upgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "section twice" versions/ns/r2.sql 7 "appears twice" sections
bad_provider
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r2\n\n-- metamigrate:upgrade\n-- metamigrate:downgrade\n' >"$WORK/bad/versions/ns/r2.sql"
bad_case "revision names itself" versions/ns/r2.sql 3 "itself"
bad_provider
printf '{\n  "package": "bad",\n  "namespace": "ns",\n  "owner_role": "bad_owner",\n}\n' >"$WORK/bad/metamigrate.json"
bad_case "invalid manifest JSON" metamigrate.json 5 "invalid JSON"
bad_provider
printf '{\n  "package": "bad",\n  "namespace": "ns"\n}\n' >"$WORK/bad/metamigrate.json"
bad_case "manifest without owner_role" metamigrate.json 1 'missing required key "owner_role"'
bad_provider
printf '{\n  "package": "bad",\n  "namespace": "ns",\n  "owner_role": "o",\n  "ownerrole": "typo"\n}\n' >"$WORK/bad/metamigrate.json"
bad_case "unknown manifest key" metamigrate.json 5 'unknown key "ownerrole"'
bad_provider
printf '{\n  "package": "bad",\n  "namespace": "ns",\n  "owner_role": 7\n}\n' >"$WORK/bad/metamigrate.json"
bad_case "manifest value of the wrong type" metamigrate.json 4 '"owner_role" must be a non-empty string'
bad_provider
printf -- '-- metamigrate:revision\r\n-- revision: r2\r\n-- down_revision: r1\r\n\r\n-- metamigrate:upgrade\r\nSELECT 2;\r\n-- metamigrate:downgrade\r\n' >"$WORK/bad/versions/ns/r2.sql"
run --provider "$WORK/bad" heads
check "CRLF revision files are accepted" out_has "r2 (head)"
run --provider "$WORK/nowhere" heads
check "missing provider directory is exit 2" test "$rc" -eq 2
check "and names the manifest" err_has "nowhere/metamigrate.json"
expect 2 "bad usage: downgrade without a target" downgrade
expect 2 "bad usage: unknown option" upgrade --frobnicate
expect 2 "bad usage: --rev-id too long" revision -m x --rev-id this_revision_id_is_longer_than_32_chars

# Further parts, each with its own database and provider directory.
cd "$WORK" || exit 1
source "$here/meta_tables.sh"
cd "$WORK" || exit 1
source "$here/safety.sh"
cd "$WORK" || exit 1
source "$here/import.sh"
cd "$WORK" || exit 1
source "$here/autogenerate.sh"
cd "$WORK" || exit 1
source "$here/fleet.sh"
cd "$WORK" || exit 1
source "$here/header_cache.sh"
cd "$WORK" || exit 1
source "$here/lock_retries.sh"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
