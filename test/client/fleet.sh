# Sourced by run.sh (uses its helpers and counters): fleets. One command
# over 20 databases (--targets FILE, --targets-query) and over 20 tenant
# schemas of one database ("tenant_schemas"), --jobs, --fail-fast, a
# failing target that leaves the others alone, a rerun that only touches
# what is behind, password masking, bad targets files. Reads JSON with jq
# (a missing jq fails the checks that need it).

echo "== fleet: setup of 20 databases"
FOWNER="mmct_fleet_owner_$suffix"
FP="$WORK/fleet/migrations"
FV="$FP/versions/fleet"
FSECRET="FleetPw${suffix}Zq9"   # in the targets file; must never be printed
FN=20
EXTRA_ROLES+=("$FOWNER")
fdb() { printf 'mmct_fl_%s_%02d' "$suffix" "$1"; }
fm() { run --provider "$FP" "$@"; }
fm_expect() { expect_with fm "$@"; }
ffill() { fill_revision_in "$@"; }  # DIR ID UP DOWN
# jq_out FILTER: jq on the last stdout (empty when it is not JSON).
jq_out() { jq -r "$1" "$WORK/out" 2>/dev/null; }
# version_of N: the version table of database N.
version_of() { sql -d "$(fdb "$1")" -c "SELECT string_agg(version_num, ',' ORDER BY 1) FROM fleet_alembic_version"; }
history_count() { sql -d "$(fdb "$1")" -c "SELECT count(*) FROM metamigrate.history"; }
live_lines() { grep -cE "^\[[0-9]+/$1\] (ok|FAILED|skipped) " "$WORK/err"; }

fm_expect 0 "fleet: scaffold" scaffold --package fleet --namespace fleet --owner-role "$FOWNER" --dir "$FP"
cp "$WORK/out" "$WORK/fleet-setup.sql"
setup_ok=0
for i in $(seq 1 $FN); do
  EXTRA_DBS+=("$(fdb "$i")")
  createdb "$(fdb "$i")" && sql -d "$(fdb "$i")" -f "$WORK/fleet-setup.sql" >/dev/null 2>&1 || setup_ok=1
done
check "20 databases created and prepared with the DBA SQL" test "$setup_ok" -eq 0
fm_expect 0 "fleet: revision f1" revision -m "items" --rev-id f1_items
ffill "$FV" f1_items "CREATE TABLE fleet_item (id bigint PRIMARY KEY);" "DROP TABLE fleet_item;"
fm_expect 0 "fleet: revision f2" revision -m "note" --rev-id f2_note
ffill "$FV" f2_note "ALTER TABLE fleet_item ADD COLUMN note text;" "ALTER TABLE fleet_item DROP COLUMN note;"

T="$WORK/fleet/targets.txt"
host_enc="$(printf '%s' "$PGHOST" | sed 's|/|%2F|g')"
{
  echo "# the fleet: one connection string per line"
  echo
  for i in $(seq 1 $FN); do
    case "$i" in
      2) echo "dbname=$(fdb 2) password=$FSECRET" ;;
      3) echo "postgresql://$PGUSER:$FSECRET@/$(fdb 3)?host=$host_enc&port=$PGPORT" ;;
      *) echo "  dbname=$(fdb "$i")   " ;;
    esac
    [ "$i" -eq 10 ] && printf '   # half way\n\n'
  done
} >"$T"

echo "== fleet: help and bad usage"
for command in current upgrade downgrade stamp verify check; do
  run "$command" --help
  if [ "$rc" -eq 0 ] && grep -q -- "--targets FILE" "$WORK/out" && grep -q -- "--targets-query SQL" "$WORK/out" &&
    grep -q -- "--jobs N" "$WORK/out" && grep -q -- "--fail-fast" "$WORK/out" && grep -q "^Examples:" "$WORK/out" &&
    grep -q -- "--targets" <(sed -n '/^Examples:/,$p' "$WORK/out"); then
    pass "$command --help documents the fleet options, with an example"
  else
    fail "$command --help documents the fleet options, with an example"
  fi
done
fm_expect 2 "targets file not found" current --targets "$WORK/fleet/nowhere.txt"
check "names the file" err_has "$WORK/fleet/nowhere.txt: targets file not found"
printf '# only comments\n\n   \n# here\n' >"$WORK/fleet/empty.txt"
fm_expect 2 "targets file without targets" current --targets "$WORK/fleet/empty.txt"
check "says there is no target" err_has "empty.txt: no targets"
printf '# ok\ndbname=%s\nnot-a-dsn\n' "$(fdb 1)" >"$WORK/fleet/bad.txt"
fm_expect 2 "a line that is not a connection string" current --targets "$WORK/fleet/bad.txt"
check "names file:line" err_has "bad.txt:3: not a connection string"
check "as one line" err_is_one_line
printf 'dbname=%s\nhost=x password=%s foo\n' "$(fdb 1)" "$FSECRET" >"$WORK/fleet/badpw.txt"
fm_expect 2 "a bad line holding a password" current --targets "$WORK/fleet/badpw.txt"
check "names file:line" err_has "badpw.txt:2:"
check "never prints the password" bash -c "! grep -qF -- '$FSECRET' '$WORK/out' '$WORK/err'"
printf 'dbname=%s\n# x\ndbname=%s\n' "$(fdb 1)" "$(fdb 1)" >"$WORK/fleet/dup.txt"
fm_expect 2 "a target listed twice" current --targets "$WORK/fleet/dup.txt"
check "names both lines" err_has "dup.txt:3: the same target as line 1"
fm_expect 2 "--jobs 0" current --targets "$T" --jobs 0
fm_expect 2 "--jobs not a number" current --targets "$T" --jobs many
fm_expect 2 "--targets with --targets-query" current --targets "$T" --targets-query "SELECT 1"
fm_expect 2 "--jobs without targets" current --dsn "dbname=$(fdb 1)" --jobs 2
fm_expect 2 "--sql with --targets" upgrade --sql head --targets "$T"
check "nothing was registered by the refused runs" \
  test "$(sql -d "$(fdb 1)" -c "SELECT count(*) FROM metamigrate.provider")" = 0

echo "== fleet: 20 databases"
fm_expect 0 "current on 20 databases before any upgrade" current --targets "$T" --json
check_eq "20 targets reported" "$(jq_out '.targets | length')" 20
check_eq "all ok" "$(jq_out '[.targets[] | select(.ok)] | length')" 20
check_eq "with no head yet" "$(jq_out '[.targets[] | select(.to == [])] | length')" 20
check_eq "a live line per target on stderr" "$(live_lines 20)" 20
check "the password is never printed (current)" bash -c "! grep -qF -- '$FSECRET' '$WORK/out' '$WORK/err'"
check "the keyword password is shown masked" bash -c "jq -r '.targets[].target' '$WORK/out' | grep -qx 'dbname=$(fdb 2) password=\*\*\*'"
check "the URI password is shown masked" bash -c "jq -r '.targets[].target' '$WORK/out' | grep -qF 'postgresql://$PGUSER:***@/$(fdb 3)'"
check_eq "targets keep the file's order" "$(jq_out '.targets[5].origin')" "$T:$(grep -n "dbname=$(fdb 6) *$" "$T" | cut -d: -f1)"

fm_expect 0 "upgrade f1 on 20 databases, 6 at a time" upgrade f1_items --targets "$T" --jobs 6
at_f1=0
for i in $(seq 1 $FN); do [ "$(version_of "$i")" = f1_items ] && at_f1=$((at_f1 + 1)); done
check_eq "every database is at f1" "$at_f1" 20
check_eq "a live line per target" "$(live_lines 20)" 20
check "live lines show the move" grep -qE "^\[[0-9]+/20\] ok +dbname=$(fdb 5)  \(base\) -> f1_items  \(" "$WORK/err"
check "the final table sums up" out_has "upgrade: 20 targets, 20 ok (20 changed), 0 failed, 0 skipped"
check "the table has a row per target" test "$(grep -c "  ok  " "$WORK/out")" -eq 20
check "the password is never printed (upgrade)" bash -c "! grep -qF -- '$FSECRET' '$WORK/out' '$WORK/err'"

echo "== fleet: one failing target does not affect the others"
sql -d "$(fdb 7)" -c "ALTER TABLE fleet_item ADD COLUMN note text" >/dev/null
fm_expect 1 "upgrade with one database that cannot take f2" upgrade --targets "$T" --json
check_eq "19 ok" "$(jq_out '[.targets[] | select(.ok)] | length')" 19
check_eq "the failed one is database 7" "$(jq_out '[.targets[] | select(.ok | not) | .target] | join(",")')" "dbname=$(fdb 7)"
check "its error is the server's" bash -c "jq -r '.targets[] | select(.ok | not) | .error' '$WORK/out' | grep -q 'column \"note\" of relation \"fleet_item\" already exists'"
check_eq "its status is failed" "$(jq_out '.targets[] | select(.ok | not) | .status')" failed
check "the live line says FAILED with the error" grep -qE "^\[[0-9]+/20\] FAILED +dbname=$(fdb 7) .*already exists" "$WORK/err"
at_f2=0
for i in $(seq 1 $FN); do [ "$(version_of "$i")" = f2_note ] && at_f2=$((at_f2 + 1)); done
check_eq "the 19 others are at f2" "$at_f2" 19
check_eq "database 7 stayed at f1 (its transaction rolled back)" "$(version_of 7)" f1_items
check_eq "JSON duration is a whole number of ms" "$(jq_out '[.targets[] | .duration_ms | type] | unique | join(",")')" number

echo "== fleet: a rerun only touches what is behind"
sql -d "$(fdb 7)" -c "ALTER TABLE fleet_item DROP COLUMN note" >/dev/null
before=""
for i in $(seq 1 $FN); do before="$before $(history_count "$i")"; done
fm_expect 0 "upgrade again" upgrade --targets "$T" --json
check_eq "only one target changed" "$(jq_out '[.targets[] | select(.changed)] | length')" 1
check_eq "it is database 7" "$(jq_out '[.targets[] | select(.changed) | .target] | join(",")')" "dbname=$(fdb 7)"
check_eq "from f1 to f2" "$(jq_out '.targets[] | select(.changed) | (.from + ["->"] + .to) | join(" ")')" "f1_items -> f2_note"
moved=""
k=0
for i in $(seq 1 $FN); do
  k=$((k + 1))
  b="$(echo $before | cut -d' ' -f$k)"
  [ "$(history_count "$i")" != "$b" ] && moved="$moved $i"
done
check_eq "history grew in database 7 only" "$moved" " 7"
check_eq "all at f2 now" "$(for i in $(seq 1 $FN); do version_of "$i"; done | sort -u)" f2_note

echo "== fleet: --fail-fast"
FF="$WORK/fleet/failfast.txt"
{ echo "dbname=mmct_fl_${suffix}_missing password=$FSECRET"; for i in $(seq 1 $FN); do echo "dbname=$(fdb "$i")"; done; } >"$FF"
fm_expect 1 "downgrade with --fail-fast, first target unreachable" downgrade f1_items --targets "$FF" --jobs 1 --fail-fast --json
check_eq "one failed" "$(jq_out '.summary.failed')" 1
check_eq "the other 20 were not started" "$(jq_out '.summary.skipped')" 20
check "skipped targets say why" bash -c "jq -r '.targets[1].error' '$WORK/out' | grep -q 'not started'"
check_eq "no database was downgraded" "$(for i in $(seq 1 $FN); do version_of "$i"; done | sort -u)" f2_note
check "the unreachable target's password is not printed" bash -c "! grep -qF -- '$FSECRET' '$WORK/out' '$WORK/err'"
check "its error says it could not connect" bash -c "jq -r '.targets[0].error' '$WORK/out' | grep -q 'could not connect'"
fm_expect 1 "the same without --fail-fast runs all others" current --targets "$FF" --jobs 3
check "the table counts them" out_has "current: 21 targets, 20 ok (0 changed), 1 failed, 0 skipped"

echo "== fleet: --targets-query"
sql -d "$DB" -c "CREATE TABLE fleet_dsn (dsn text)" >/dev/null
for i in $(seq 1 $FN); do sql -d "$DB" -c "INSERT INTO fleet_dsn VALUES ('dbname=$(fdb "$i")')" >/dev/null; done
fm_expect 0 "downgrade -1 on every database the query returns" downgrade -1 --dsn "dbname=$DB" \
  --targets-query "SELECT dsn FROM fleet_dsn ORDER BY 1" --jobs 5
check_eq "all back at f1" "$(for i in $(seq 1 $FN); do version_of "$i"; done | sort -u)" f1_items
check "summary" out_has "downgrade: 20 targets, 20 ok (20 changed)"
fm_expect 2 "a query row that is not a connection string" current --dsn "dbname=$DB" --targets-query "SELECT 'nope'"
check "names the row" err_has "--targets-query row 1 is not a connection string"
fm_expect 0 "stamp head over the query" stamp head --dsn "dbname=$DB" --targets-query "SELECT dsn FROM fleet_dsn"
check_eq "stamped everywhere" "$(for i in $(seq 1 $FN); do version_of "$i"; done | sort -u)" f2_note
fm_expect 0 "verify over the fleet (stamp took a baseline)" verify --targets "$T" --json
check_eq "verify: 20 clean" "$(jq_out '[.targets[] | select(.result.clean == true)] | length')" 20
sql -d "$(fdb 4)" -c "CREATE INDEX fleet_item_drift_idx ON fleet_item (id)" >/dev/null
fm_expect 1 "verify finds the drift in one database" verify --targets "$T" --json
check_eq "the drifted one fails" "$(jq_out '[.targets[] | select(.ok | not) | .target] | join(",")')" "dbname=$(fdb 4)"
check "with the drift as its error" bash -c "jq -r '.targets[] | select(.ok | not) | .error' '$WORK/out' | grep -q 'fleet_item_drift_idx'"
# check over the fleet: the desired schema against every database.
mkdir -p "$FP/schema"
# (stamp above moved the version table to f2_note without running its SQL)
echo "CREATE TABLE fleet_item (id bigint PRIMARY KEY);" >"$FP/schema/fleet.sql"
fm_expect 1 "check over the fleet finds the database that differs" check --targets "$T" --json --jobs 3
check_eq "check: 19 clean" "$(jq_out '[.targets[] | select(.result.clean == true)] | length')" 19
check_eq "check: the one with the extra index fails" "$(jq_out '[.targets[] | select(.ok | not) | .target] | join(",")')" "dbname=$(fdb 4)"
check "with the difference as its error" bash -c "jq -r '.targets[] | select(.ok | not) | .error' '$WORK/out' | grep -q 'fleet_item_drift_idx'"
check_eq "check reports the heads per target" "$(jq_out '[.targets[] | .to[0]] | unique | join(",")')" f2_note

echo "== fleet: 20 tenant schemas"
TDB="mmct_fl_tenants_$suffix"
TP="$WORK/tenants/migrations"
TV="$TP/versions/app"
EXTRA_DBS+=("$TDB")
createdb "$TDB"
tm() { run --dsn "dbname=$TDB" --provider "$TP" "$@"; }
tm_expect() { expect_with tm "$@"; }
tm_expect 0 "tenants: scaffold" scaffold --package saas --namespace app --owner-role "$FOWNER" --dir "$TP"
sql -d "$TDB" -f "$WORK/out" >/dev/null 2>&1
for i in $(seq 1 $FN); do
  s="$(printf 'tenant_%02d' "$i")"
  sql -d "$TDB" -c "CREATE SCHEMA $s AUTHORIZATION \"$FOWNER\"" >/dev/null
done
sql -d "$TDB" -c "CREATE SCHEMA not_a_tenant" >/dev/null
cat >"$TP/metamigrate.json" <<EOF
{
  "package": "saas",
  "namespace": "app",
  "owner_role": "$FOWNER",
  "tenant_schemas": {"query": "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\\\_%' ORDER BY 1", "placeholder": "{tenant}"}
}
EOF
tm_expect 0 "tenants: revision t1" revision -m "accounts" --rev-id t1_accounts
ffill "$TV" t1_accounts "CREATE TABLE account (id bigint PRIMARY KEY);
COMMENT ON TABLE {tenant}.account IS 'accounts of one tenant';" "DROP TABLE {tenant}.account;"
tm_expect 0 "tenants: revision t2" revision -m "users" --rev-id t2_users
ffill "$TV" t2_users "CREATE TABLE app_user (id bigint PRIMARY KEY, account_id bigint REFERENCES account);" "DROP TABLE app_user;"
tversion() { sql -d "$TDB" -c "SELECT string_agg(version_num, ',' ORDER BY 1) FROM $1.saas_alembic_version"; }

tm_expect 0 "upgrade t1 in every tenant schema (the manifest's query)" upgrade t1_accounts --jobs 4 --json
check_eq "20 tenants reported" "$(jq_out '.targets | length')" 20
check_eq "each named by its schema" "$(jq_out '[.targets[].tenant] | join(",")')" \
  "$(for i in $(seq 1 $FN); do printf 'tenant_%02d\n' "$i"; done | paste -sd,)"
check_eq "all ok" "$(jq_out '[.targets[] | select(.ok)] | length')" 20
check_eq "a live line per tenant" "$(live_lines 20)" 20
check "live lines name the tenant" grep -qE "^\[[0-9]+/20\] ok +dbname=$TDB \[tenant tenant_07\]  \(base\) -> t1_accounts" "$WORK/err"
tat=0
for i in $(seq 1 $FN); do [ "$(tversion "$(printf 'tenant_%02d' "$i")")" = t1_accounts ] && tat=$((tat + 1)); done
check_eq "each tenant has its own version table at t1" "$tat" 20
check_eq "the table is created in each tenant schema (search_path)" \
  "$(sql -d "$TDB" -c "SELECT count(*) FROM pg_tables WHERE tablename = 'account' AND schemaname LIKE 'tenant\\_%'")" 20
check_eq "and nowhere else" "$(sql -d "$TDB" -c "SELECT count(*) FROM pg_tables WHERE tablename = 'account'")" 20
check_eq "{tenant} was replaced in the SQL" \
  "$(sql -d "$TDB" -c "SELECT obj_description('tenant_03.account'::regclass)")" "accounts of one tenant"
check_eq "one provider per tenant" \
  "$(sql -d "$TDB" -c "SELECT count(*) FROM metamigrate.provider WHERE provider_key LIKE 'saas:app.tenant\\_%'")" 20
check "the stored text is the tenant's" \
  test "$(sql -d "$TDB" -c "SELECT upgrade_sql LIKE '%\"tenant_03\".account%' FROM metamigrate.revision WHERE provider_key = 'saas:app.tenant_03' AND revision = 't1_accounts'")" = t
check_eq "so each tenant has its own checksum" \
  "$(sql -d "$TDB" -c "SELECT count(DISTINCT checksum) FROM metamigrate.revision WHERE revision = 't1_accounts'")" 20
check "not_a_tenant is untouched" \
  test "$(sql -d "$TDB" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'not_a_tenant'")" = 0

echo "== fleet: one failing tenant, then a rerun"
sql -d "$TDB" -c "CREATE TABLE tenant_05.app_user (x int)" >/dev/null
tm_expect 1 "upgrade with one tenant that cannot take t2" upgrade --json
check_eq "19 ok" "$(jq_out '[.targets[] | select(.ok)] | length')" 19
check_eq "tenant_05 failed" "$(jq_out '[.targets[] | select(.ok | not) | .tenant] | join(",")')" tenant_05
check_eq "tenant_05 stayed at t1" "$(tversion tenant_05)" t1_accounts
check_eq "tenant_06 is at t2" "$(tversion tenant_06)" t2_users
sql -d "$TDB" -c "DROP TABLE tenant_05.app_user" >/dev/null
tm_expect 0 "upgrade again" upgrade --json
check_eq "only tenant_05 changed" "$(jq_out '[.targets[] | select(.changed) | .tenant] | join(",")')" tenant_05
check_eq "every tenant at t2" \
  "$(for i in $(seq 1 $FN); do tversion "$(printf 'tenant_%02d' "$i")"; done | sort -u)" t2_users
tm_expect 0 "current of one tenant with --tenant" current --tenant tenant_02 --json
check_eq "is a single-target document" "$(jq_out '.provider')" "saas:app.tenant_02"
check_eq "with its heads" "$(jq_out '.heads | join(",")')" t2_users
tm_expect 0 "an offline script for one tenant" upgrade --sql base:t1_accounts --tenant tenant_01
check "sets the tenant's search_path" out_has 'SET search_path TO "tenant_01";'
check "with {tenant} replaced" out_has 'COMMENT ON TABLE "tenant_01".account'
tm_expect 0 "verify every tenant" verify --json
check_eq "20 clean tenants" "$(jq_out '[.targets[] | select(.result.clean == true)] | length')" 20
tm_expect 0 "downgrade one tenant only" downgrade -1 --tenant tenant_20
check_eq "tenant_20 at t1" "$(tversion tenant_20)" t1_accounts
check_eq "tenant_19 still at t2" "$(tversion tenant_19)" t2_users
tm_expect 2 "--tenant with a name that cannot be a namespace" current --tenant 'bad name'
check "says why" err_has "use letters, digits"
sql -d "$TDB" -c 'CREATE SCHEMA "tenant_bad name" AUTHORIZATION "'"$FOWNER"'"' >/dev/null
tm_expect 1 "a tenant schema with an unusable name fails alone" current --json
check_eq "it is reported failed" "$(jq_out '[.targets[] | select(.ok | not) | .tenant] | join(",")')" "tenant_bad name"
check_eq "the 20 others are fine" "$(jq_out '[.targets[] | select(.ok)] | length')" 20
sql -d "$TDB" -c 'DROP SCHEMA "tenant_bad name"' >/dev/null
cp "$TP/metamigrate.json" "$WORK/tenants/manifest.good"
cat >"$TP/metamigrate.json" <<EOF
{
  "package": "saas",
  "namespace": "app",
  "owner_role": "$FOWNER",
  "tenant_schemas": {"query": "SELECT 'tenant_01'"},
  "version_table": {"schema": "public"}
}
EOF
tm_expect 2 "tenant_schemas with a shared version table schema" current
check "names the manifest line" err_has "metamigrate.json:6: with \"tenant_schemas\", the version table's schema must be \"{tenant}\""
cp "$WORK/tenants/manifest.good" "$TP/metamigrate.json"
echo "dbname=$TDB" >"$WORK/tenants/targets.txt"
tm_expect 0 "--targets with a tenant manifest: the tenants of every listed database" current \
  --targets "$WORK/tenants/targets.txt" --json
check_eq "20 tenants of the one listed database" "$(jq_out '.targets | length')" 20
