# Sourced by run.sh (uses its helpers and counters): revision
# --autogenerate and check, on a database and provider of their own; then
# pairs of test/autogenerate/cases taken end to end through the client.
#
# Scratch databases are found by name in the -v output ("created scratch
# database NAME"), so the checks that they are gone look at exactly the
# ones this client run created.

echo "== autogenerate: revision --autogenerate"
ADB="mmct_ag_$suffix"
AREF="mmct_ag_ref_$suffix"     # the schema files loaded by psql: the expected state
ADEV="mmct_ag_dev_$suffix"     # an empty database for --dev-url
AOWNER="mmct_ag_owner_$suffix"
AP="$WORK/ag/migrations"
AV="$AP/versions/main"
EXTRA_DBS+=("$ADB" "$AREF" "$ADEV")
EXTRA_ROLES+=("$AOWNER")
createdb "$ADB"
am() { run --dsn "dbname=$ADB" --provider "$AP" "$@"; }
am_expect() { expect_with am "$@"; }
snapshot_of() { sql -d "$1" -c "SELECT metamigrate.snapshot('{public}')::text"; }
revision_files() { find "$AV" -name '*.sql' | wc -l; }
ag_file() { ls "$AV/$1"_*.sql; }
# Every scratch database the last command reported creating (-v) is gone,
# and it reported at least `$1` of them.
scratch_dropped() {
  local names name count=0
  names="$(sed -n 's/^created scratch database \(metamigrate_scratch_[0-9a-f]*\) .*/\1/p' "$WORK/err")"
  for name in $names; do
    count=$((count + 1))
    [ "$(sql -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$name'")" = 0 ] || return 1
  done
  [ "$count" -ge "${1:-1}" ]
}
# The reference database: the provider's schema files run by psql.
load_reference() {
  dropdb --if-exists "$AREF" 2>/dev/null && createdb "$AREF" && sql -d "$AREF" -c "CREATE EXTENSION metamigrate" &&
    cat "$AP"/schema/*.sql | sql -d "$AREF" >/dev/null
}
# Line number in $2 of the first line matching the fixed string $1.
line_in() { grep -nF -- "$1" "$2" | head -1 | cut -d: -f1; }

am_expect 0 "scaffold" scaffold --package ag --namespace main --owner-role "$AOWNER" --dir "$AP"
sql -d "$ADB" -f "$WORK/out" >/dev/null
cat >"$AP/schema/10_account.sql" <<'SQL'
CREATE TABLE ag_account (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    legacy_code char(4)
);
CREATE INDEX ag_account_name_idx ON ag_account (name);
-- A SQL-standard body holds semicolons: the client must not cut it there.
CREATE FUNCTION ag_answer() RETURNS integer LANGUAGE sql
BEGIN ATOMIC
  SELECT 42;
END;
SQL
am_expect 0 "revision --autogenerate of a first revision" -v revision --autogenerate -m "initial schema" --rev-id a1
check "it reports the file it wrote" out_has "created revision a1 (down_revision: none)"
check "the file is a revision file with the generated upgrade" grep -q '^CREATE TABLE public.ag_account ($' "$(ag_file a1)"
check "BEGIN ATOMIC body kept whole" grep -q '^ SELECT 42;$' "$(ag_file a1)"
drop_line="$(line_in 'DROP TABLE public.ag_account;' "$(ag_file a1)")"
check "the downgrade drops the table" test -n "$drop_line"
check "a DATA LOSS comment right above the dropping statement" \
  bash -c "sed -n '$((drop_line - 1))p' '$(ag_file a1)' | grep -q '^-- DATA LOSS: drops the table'"
check "no DATA LOSS comment in an upgrade that only creates" bash -c "! sed -n '/^-- metamigrate:upgrade/,/^-- metamigrate:downgrade/p' '$(ag_file a1)' | grep -q 'DATA LOSS'"
check "lint findings of the generated SQL on stderr" err_matches "^lint: .*a1_initial_schema\.sql:$drop_line: data-loss: "
check "the scratch database is dropped" scratch_dropped 1
check "reference schema loads with psql" load_reference
am_expect 0 "upgrade applies the generated revision" upgrade
check_eq "after upgrade the database equals the schema files" "$(snapshot_of "$ADB")" "$(snapshot_of "$AREF")"

echo "== autogenerate: check"
am_expect 0 "check is clean after the upgrade" check
check "check says it matches" out_has "matches the desired schema"
am_expect 0 "check --json when clean" --json check
check "--json says clean" out_has '"clean": true'
n_files="$(revision_files)"
am_expect 0 "revision --autogenerate with nothing to do" revision --autogenerate -m "nothing" --rev-id a_none
check "says there are no changes" out_has "no changes"
check_eq "and writes no file" "$(revision_files)" "$n_files"

cat >"$AP/schema/10_account.sql" <<'SQL'
CREATE TABLE ag_account (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    email text
);
CREATE INDEX ag_account_name_idx ON ag_account (name);
CREATE FUNCTION ag_answer() RETURNS integer LANGUAGE sql
BEGIN ATOMIC
  SELECT 42;
END;
SQL
am_expect 1 "check finds the changed schema" check
check "names the added column" out_has "tables[public.ag_account].columns[email]: only in the desired schema"
check "names the dropped column" out_has "tables[public.ag_account].columns[legacy_code]: only in the database"
check "prints the statements that fix it" out_has "ALTER TABLE public.ag_account ADD COLUMN email text;"
check "with the DATA LOSS comment" out_has "-- DATA LOSS: drops the column and its values"
am_expect 1 "check --json when it differs" --json check
check "--json: clean false, differences and upgrade statements" \
  bash -c "grep -q '\"clean\": false' '$WORK/out' && grep -q '\"differences\": \[' '$WORK/out' && grep -q 'ADD COLUMN email text' '$WORK/out'"
snap_a1="$(snapshot_of "$ADB")"
am_expect 0 "revision --autogenerate of the change" revision --autogenerate -m "email instead of legacy code" --rev-id a2
check "builds on the previous revision" grep -q '^-- down_revision: a1$' "$(ag_file a2)"
loss_line="$(line_in 'DROP COLUMN legacy_code;' "$(ag_file a2)")"
check "the data-losing upgrade statement has its comment" \
  bash -c "[ -n '$loss_line' ] && sed -n '$((loss_line - 1))p' '$(ag_file a2)' | grep -q '^-- DATA LOSS: drops the column and its values'"
check "the downgrade adds the column back" grep -q 'ADD COLUMN legacy_code character(4);' "$(ag_file a2)"
check "lint reports the dropped column" err_matches "^lint: .*a2_email_instead_of_legacy_code\.sql:$loss_line: data-loss: "
am_expect 0 "upgrade to the new revision" upgrade
load_reference
check_eq "after upgrade the database equals the changed schema files" "$(snapshot_of "$ADB")" "$(snapshot_of "$AREF")"
am_expect 0 "check is clean again" check
am_expect 0 "downgrade -1" downgrade -1
check_eq "after downgrade -1 the database is as before" "$(snapshot_of "$ADB")" "$snap_a1"
n_files="$(revision_files)"
am_expect 1 "revision --autogenerate refuses a database behind the local head" revision --autogenerate -m "x" --rev-id a_behind
check "saying where the database is and what the revision follows" err_has "the database is at a1 but the new revision follows a2"
check_eq "no file written" "$(revision_files)" "$n_files"

echo "== autogenerate: --from-revisions"
am_expect 0 "check --from-revisions: the revisions build the schema files" -v check --from-revisions
check "two scratch databases, both dropped" scratch_dropped 2
check "the baseline is named" out_has "the local revisions replayed to heads"
am_expect 1 "while plain check sees the database behind" check
am_expect 0 "upgrade back to head" upgrade
echo "CREATE TABLE ag_note (id integer PRIMARY KEY, body text);" >"$AP/schema/20_note.sql"
am_expect 1 "check --from-revisions sees a new schema file" check --from-revisions
check "naming the new table" out_has "tables[public.ag_note]: only in the desired schema"
am_expect 0 "revision --autogenerate --from-revisions" -v revision --autogenerate --from-revisions -m "note" --rev-id a3
check "writes the new table" grep -q '^CREATE TABLE public.ag_note ($' "$(ag_file a3)"
check "both scratch databases dropped" scratch_dropped 2
am_expect 0 "upgrade to a3" upgrade
am_expect 0 "check is clean" check

echo "== autogenerate: --dev-url"
createdb "$ADEV" && sql -d "$ADEV" -c "CREATE EXTENSION metamigrate"
am_expect 0 "check --dev-url" -v check --dev-url "dbname=$ADEV"
check "no scratch database for the desired state" bash -c "! grep -q 'created scratch database' '$WORK/err'"
check "the --dev-url database is left empty" \
  test "$(sql -d "$ADEV" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")" = 0
sql -d "$ADB" -c "ALTER TABLE ag_note ADD COLUMN hand_made integer" >/dev/null
am_expect 1 "check --dev-url sees a change made by hand" check --dev-url "dbname=$ADEV"
check "naming the column" out_has "tables[public.ag_note].columns[hand_made]: only in the database"
sql -d "$ADB" -c "ALTER TABLE ag_note DROP COLUMN hand_made" >/dev/null
sql -d "$ADEV" -c "CREATE TABLE leftover (id int)" >/dev/null
am_expect 1 "a --dev-url database that is not empty is refused" check --dev-url "dbname=$ADEV"
check "saying what it holds" err_has "is not empty in the compared schemas (tables: public.leftover)"
check "and leaving it alone" test "$(sql -d "$ADEV" -c "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")" = 1
am_expect 1 "an unreachable --dev-url" check --dev-url "host=/nonexistent-socket-dir dbname=x"
check "the error says it is the --dev-url" err_has "(--dev-url)"

echo "== autogenerate: bad input and failures"
printf 'CREATE TABLE ag_ok (id int);\n\nCREATE TABLE ag_bad (\n    id int,\n    nope no_such_type\n);\n' >"$AP/schema/30_bad.sql"
am_expect 2 "a SQL error in a schema file" -v check
check "names the file and the line" err_has "migrations/schema/30_bad.sql:5: type \"no_such_type\" does not exist [42704]"
check "the scratch database is dropped after the error" scratch_dropped 1
printf 'CREATE TABLE ag_dup (id int);\nCREATE TABLE ag_dup (id int);\n' >"$AP/schema/30_bad.sql"
am_expect 2 "an error without a position" -v revision --autogenerate -m "dup" --rev-id a_dup
check "names the statement's line" err_has "migrations/schema/30_bad.sql:2: relation \"ag_dup\" already exists [42P07]"
check "and drops the scratch database" scratch_dropped 1
rm "$AP/schema/30_bad.sql"
cp "$AP/metamigrate.json" "$WORK/ag_manifest"
sed -i 's|"schema/\*\.sql"|"schema/*.sql", "nothing/*.sql"|' "$AP/metamigrate.json"
am_expect 2 "a schema_files pattern that matches nothing" check
check "names the manifest line and the pattern" \
  err_matches "metamigrate\.json:$(line_in '"schema_files"' "$AP/metamigrate.json"): \"schema_files\" pattern \"nothing/\*\.sql\" matches no file"
cp "$WORK/ag_manifest" "$AP/metamigrate.json"
am_expect 2 "--dev-url without --autogenerate" revision -m x --dev-url "dbname=$ADEV"
run --dsn "dbname=$BARE" --provider "$AP" -v check
check "a target without the extension: exit 1" test "$rc" -eq 1
check "says what is missing" err_has "has no metamigrate extension"
check "before it builds the desired schema" bash -c "! grep -q 'created scratch database' '$WORK/err'"

# Interrupt: a schema file that keeps the scratch database busy.
echo "SELECT pg_sleep(600);" >"$AP/schema/90_slow.sql"
"$MM" --dsn "dbname=$ADB" --provider "$AP" -v check >"$WORK/out" 2>"$WORK/err" &
slow_pid=$!
for _ in $(seq 600); do
  [ "$(sql -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'metamigrate\_scratch\_%' AND query = 'SELECT pg_sleep(600);'")" = 1 ] && break
  sleep 0.1
done
kill -INT "$slow_pid"
wait "$slow_pid"
rc=$?
check_eq "SIGINT ends check with the signal's status" "$rc" 130
check "it says it was interrupted" err_has "interrupted by SIGINT"
check "the busy scratch database is dropped" scratch_dropped 1
rm "$AP/schema/90_slow.sql"

echo "== autogenerate: column order"
physical_columns() { sql -d "$ADB" -c "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
                                         WHERE attrelid = 'public.$1'::regclass AND attnum > 0 AND NOT attisdropped"; }
cat >"$AP/schema/20_order.sql" <<'SQL'
CREATE TABLE ag_order (zeta int, alpha int NOT NULL PRIMARY KEY, mid text DEFAULT 'm');
SQL
am_expect 0 "revision --autogenerate of a new table" revision --autogenerate -m "order table" --rev-id o1
am_expect 0 "upgrade creates it" upgrade
check_eq "the new table has the declared column order, not the alphabetical one" "$(physical_columns ag_order)" "zeta,alpha,mid"
cat >"$AP/schema/20_order.sql" <<'SQL'
CREATE TABLE ag_order (zeta int, new_b int, alpha int NOT NULL PRIMARY KEY, mid text DEFAULT 'm', new_a int);
SQL
am_expect 0 "revision --autogenerate adding two columns in the middle" revision --autogenerate -m "order add" --rev-id o2
check "it says where the columns will end up and why" \
  err_has "column order: public.ag_order: its columns will be in the order (zeta, alpha, mid, new_b, new_a); the schema files declare (zeta, new_b, alpha, mid, new_a). PostgreSQL cannot move a column"
check "the added columns are added in their declared order" \
  bash -c "grep -n 'ADD COLUMN' '$(ag_file o2)' | head -1 | grep -q new_b"
am_expect 0 "upgrade adds them" upgrade
check_eq "they are appended in the declared order" "$(physical_columns ag_order)" "zeta,alpha,mid,new_b,new_a"
am_expect 0 "check is clean: a column order PostgreSQL cannot change is not drift" check
check "check says it matches" out_has "matches the desired schema"
check "and tells the order as information" err_has "column order: public.ag_order: its columns will be in the order"
am_expect 0 "check --json lists the column order" --json check
check "--json has the table's orders" \
  bash -c "jq -e '.column_order[0] | .table == \"ag_order\" and (.result | join(\",\")) == \"zeta,alpha,mid,new_b,new_a\"' '$WORK/out' >/dev/null"
n_files="$(revision_files)"
am_expect 0 "revision --autogenerate: order alone is no change" revision --autogenerate -m "nothing" --rev-id o_none
check "no revision written" test "$(revision_files)" = "$n_files"

echo "== autogenerate: constant defaults as written"
# pg_dump of one table, without owners and privileges (the reference is
# loaded by another role), comment lines and the per-run \restrict keys.
table_dump() { pg_dump -s -O -x -t "public.$2" -d "$1" | grep -vE '^(--|\\restrict |\\unrestrict |$)'; }
cat >"$AP/schema/30_defaults.sql" <<'SQL'
CREATE TABLE ag_defaults (
    id int PRIMARY KEY,
    price numeric DEFAULT 0,
    code varchar(32) DEFAULT 'x',
    total bigint DEFAULT 0,
    ratio real DEFAULT 1.5,
    flag boolean DEFAULT false,
    stamp timestamptz DEFAULT now()
);
SQL
am_expect 0 "revision --autogenerate of a table with constant defaults" revision --autogenerate -m "defaults" --rev-id d1
check "DEFAULT 0 on numeric is written as in the schema file" grep -q 'price numeric DEFAULT 0,' "$(ag_file d1)"
check "DEFAULT 'x' on varchar(32) is not given a typmod" grep -q "DEFAULT 'x'::character varying," "$(ag_file d1)"
am_expect 0 "upgrade creates it" upgrade
check "reference schema loads with psql" load_reference
check_eq "pg_dump -s of the table equals the schema file's own" "$(table_dump "$ADB" ag_defaults)" "$(table_dump "$AREF" ag_defaults)"
sed -i 's/price numeric DEFAULT 0,/price numeric DEFAULT 5,/; s/total bigint DEFAULT 0,/total bigint DEFAULT 0::bigint,/' \
  "$AP/schema/30_defaults.sql"
am_expect 0 "revision --autogenerate of a changed and a respelled default" revision --autogenerate -m "defaults 2" --rev-id d2
check "the changed default is set as written" grep -q 'SET DEFAULT 5;' "$(ag_file d2)"
check "a default written another way but equal is not a change" bash -c "! grep -q 'total' '$(ag_file d2)'"
am_expect 0 "upgrade sets it" upgrade
check "reference schema loads with psql" load_reference
check_eq "pg_dump -s of the changed column equals the schema file's own" \
  "$(table_dump "$ADB" ag_defaults | grep price)" "$(table_dump "$AREF" ag_defaults | grep price)"
am_expect 0 "check is clean" check

echo "== autogenerate: test/autogenerate/cases end to end through the client"
# Each pair: a.sql applied by a revision, schema_files = b.sql, revision
# --autogenerate, upgrade (the database then equals b.sql loaded by psql),
# check clean, downgrade -1 (equals a again). MMCT_AG_CASES=all runs every
# pair; the default is a sample across the object kinds.
cases_dir="$here/../autogenerate/cases"
if [ "${MMCT_AG_CASES:-}" = all ]; then
  ag_cases=$(cd "$cases_dir" && ls)
else
  ag_cases="${MMCT_AG_CASES:-03_add_column 06_column_type_using 09_serial_to_identity 16_foreign_keys 17_fk_cycle
    21_indexes 25_enum_add_value 27_domains 30_sequences 33_view_on_retyped_column 36_functions 39_triggers
    41_partitioned_table 43_new_schema 52_column_rename_is_drop_and_add}"
fi
case_no=0
for name in $ag_cases; do
  case_no=$((case_no + 1))
  dir="$cases_dir/$name"
  cdb="mmct_agc_${suffix}_$case_no"
  cref="mmct_agc_ref_${suffix}_$case_no"
  cp_dir="$WORK/agc/$name"
  EXTRA_DBS+=("$cdb" "$cref")
  schemas='["public"]'
  [ -f "$dir/schemas" ] && schemas="[$(sed 's/.*/"&"/' "$dir/schemas" | paste -sd,)]"
  schemas_sql="{$(tr -d '[]"' <<<"$schemas")}"
  createdb "$cdb" && createdb "$cref"
  # Revisions run as the owner role: it owns public (a pair comments on it)
  # and may create schemas.
  sql -d "$cdb" -c "CREATE EXTENSION metamigrate; GRANT USAGE ON SCHEMA metamigrate TO \"$AOWNER\";
    ALTER SCHEMA public OWNER TO \"$AOWNER\"; GRANT CREATE ON DATABASE \"$cdb\" TO \"$AOWNER\"" >/dev/null
  sql -d "$cref" -c "CREATE EXTENSION metamigrate" >/dev/null && sql -d "$cref" -f "$dir/b.sql" >/dev/null
  mkdir -p "$cp_dir/versions/main" "$cp_dir/schema"
  cp "$dir/b.sql" "$cp_dir/schema/b.sql"
  printf '{"package": "agc%s", "namespace": "main", "owner_role": "%s", "schemas": %s, "schema_files": ["schema/b.sql"]}\n' \
    "$case_no" "$AOWNER" "$schemas" >"$cp_dir/metamigrate.json"
  printf -- '-- metamigrate:revision\n-- revision: c1\n-- down_revision:\n-- message: a.sql\n\n-- metamigrate:upgrade\n%s\n\n-- metamigrate:downgrade\n' \
    "$(cat "$dir/a.sql")" >"$cp_dir/versions/main/c1_a.sql"
  cs() { sql -d "$1" -c "SELECT metamigrate.snapshot('$schemas_sql')::text"; }
  cm() { run --dsn "dbname=$cdb" --provider "$cp_dir" "$@"; }
  cm upgrade
  check "$name: a.sql applied by a revision" test "$rc" -eq 0
  snap_a="$(cs "$cdb")"
  cm revision --autogenerate -m "to b" --rev-id c2
  check "$name: revision --autogenerate writes a revision" test "$rc" -eq 0 -a -f "$cp_dir/versions/main/c2_to_b.sql"
  cm upgrade
  check "$name: the generated revision upgrades" test "$rc" -eq 0
  check_eq "$name: the database then equals b.sql" "$(cs "$cdb")" "$(cs "$cref")"
  cm check
  check "$name: check is clean" test "$rc" -eq 0
  cm downgrade -1
  check "$name: the generated revision downgrades" test "$rc" -eq 0
  check_eq "$name: the database then equals a.sql again" "$(cs "$cdb")" "$snap_a"
  drop_credentials "$cdb"
  dropdb --if-exists "$cdb" >/dev/null 2>&1
  dropdb --if-exists "$cref" >/dev/null 2>&1
done
