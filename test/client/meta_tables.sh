# Sourced by run.sh (uses its helpers and counters): the MetaTable
# lifecycle with the seeds' example (Account and AccountLimit with a foreign
# key, provider sdk_examples:sdk-examples) and the temporary migration
# credential, on a database of its own.

echo "== MetaTable lifecycle: scaffold, current, revision"
MTDB="mmct_mt_$suffix"
MTOWNER="mmct_mt_owner_$suffix"
MT="$WORK/mt/migrations"
MTV="$MT/versions/sdk-examples"
EXTRA_DBS+=("$MTDB")
EXTRA_ROLES+=("$MTOWNER")
createdb "$MTDB"
mt() { run --dsn "dbname=$MTDB" --provider "$MT" "$@"; }
mt_expect() { expect_with mt "$@"; }
mtsql() { sql -d "$MTDB" -c "$1"; }
mt_fill() { fill_revision_in "$MTV" "$@"; }  # ID UP DOWN
# write_mt_manifest [EXTRA_TABLE_ENTRY]: the provider's manifest with the
# seeds' two MetaTables (and one more entry when given).
write_mt_manifest() {
  cat >"$MT/metamigrate.json" <<EOF
{
  "package": "sdk_examples",
  "namespace": "sdk-examples",
  "owner_role": "$MTOWNER",
  "version_table": {"schema": "public", "name": "sdk_examples_alembic_version", "column": "version_num"},
  "metatables": [
    {"table": "sdk_examples_account", "identifier": "sdk_examples.Account", "kind": "meta_table"},
    {"table": "sdk_examples_account_limit", "identifier": "sdk_examples.AccountLimit", "kind": "meta_table"}${1:+,
    $1}
  ],
  "after_register": "public.refresh_example_catalog"
}
EOF
}
mt_expect 0 "scaffold the seeds' provider" scaffold --package sdk_examples --namespace sdk-examples --owner-role "$MTOWNER" --dir "$MT"
cp "$WORK/out" "$WORK/mt-setup.sql"
check "its DBA SQL runs" sql -d "$MTDB" -f "$WORK/mt-setup.sql"
write_mt_manifest
# The project's catalog refresh hook: a function taking the finalized rows.
mtsql "CREATE TABLE public.hook_calls (called_as name, operation text, tables int, statuses text);
GRANT INSERT ON public.hook_calls TO \"$MTOWNER\";
CREATE FUNCTION public.refresh_example_catalog(finalized jsonb) RETURNS void LANGUAGE sql AS \$\$
  INSERT INTO public.hook_calls SELECT current_user, finalized ->> 'operation', jsonb_array_length(finalized -> 'tables'),
    (SELECT string_agg(t ->> 'status', ',' ORDER BY t ->> 'table_name') FROM jsonb_array_elements(finalized -> 'tables') t)
\$\$;" >/dev/null
catalog_rows() { mtsql "SELECT count(*) FROM metamigrate.meta_table WHERE kind <> 'alembic_version'"; }
mt_expect 0 "revision 0001 (Account)" revision -m "create account" --rev-id 0001_account
mt_expect 0 "revision 0002 (AccountLimit)" revision -m "create account limit" --rev-id 0002_account_limit
mt_fill 0001_account "CREATE TABLE sdk_examples_account (
    uid          uuid PRIMARY KEY,
    account_code varchar(64) NOT NULL UNIQUE,
    name         varchar(255) NOT NULL,
    region       varchar(32) NOT NULL
);" "DROP TABLE sdk_examples_account;"
mt_fill 0002_account_limit "CREATE TABLE sdk_examples_account_limit (
    uid         uuid PRIMARY KEY,
    account_uid uuid NOT NULL REFERENCES sdk_examples_account (uid),
    limit_type  varchar(32) NOT NULL,
    amount      numeric(18, 2) NOT NULL
);" "DROP TABLE sdk_examples_account_limit;"

mt_expect 0 "current before any upgrade" current --json
check_eq "current registered the version table's catalog row only" \
  "$(mtsql "SELECT string_agg(kind || ':' || status, ',') FROM metamigrate.meta_table")" "alembic_version:reserved"
check "current --json shows the version table's catalog row" out_has '"kind": "alembic_version"'
check_eq "current restaged no application table" "$(catalog_rows)" 0
mt_expect 0 "revision touches no catalog" revision -m "scratch" --rev-id 0099_scratch
check_eq "catalog unchanged by revision" "$(mtsql "SELECT count(*) FROM metamigrate.meta_table")" 1
rm "$MTV"/0099_scratch_*.sql

echo "== MetaTable lifecycle: upgrade reserves, finalizes, calls the hook"
mt_expect 0 "upgrade the seeds' example" upgrade
check "upgrade reports the catalog" out_has "catalog: 2 active (sdk_examples_account, sdk_examples_account_limit)"
check "upgrade reports the hook" out_has "after_register: public.refresh_example_catalog(jsonb) called"
check_eq "both rows active with their physical table" \
  "$(mtsql "SELECT string_agg(identifier || '=' || status || ':' || (table_oid = to_regclass(table_name)::oid), ',' ORDER BY identifier) FROM metamigrate.meta_table WHERE kind = 'meta_table'")" \
  "sdk_examples.Account=active:true,sdk_examples.AccountLimit=active:true"
check_eq "finalize recorded the contract and the revision" \
  "$(mtsql "SELECT finalized_revision || ':' || (table_contract -> 'foreign_keys' -> 0 ->> 'definition') FROM metamigrate.meta_table WHERE identifier = 'sdk_examples.AccountLimit'")" \
  "0002_account_limit:FOREIGN KEY (account_uid) REFERENCES public.sdk_examples_account(uid)"
check_eq "the version table's row is active" \
  "$(mtsql "SELECT status FROM metamigrate.meta_table WHERE kind = 'alembic_version'")" active
check_eq "the hook ran once, as the owner role, with both active rows" \
  "$(mtsql "SELECT string_agg(called_as || '/' || operation || '/' || tables || '/' || statuses, ';') FROM public.hook_calls")" \
  "$MTOWNER/upgrade/2/active,active"
check_eq "the migration ran as a temporary login" \
  "$(mtsql "SELECT count(*) FROM metamigrate.history WHERE \"session_user\" ~ '^mm_tmp_sdk_examples_[0-9a-f]{12}\$'")" 2
check_eq "the login was issued to the user, for schema migration" \
  "$(mtsql "SELECT issued_to || '/' || purpose || '/' || owner_role FROM metamigrate.credential ORDER BY issued_at DESC LIMIT 1")" \
  "postgres/schema_migration/$MTOWNER"
check "no credential secret in the output" bash -c "! grep -qE '[0-9a-f]{64}|postgresql://mm_tmp_[a-z0-9_]*:' '$WORK/out' '$WORK/err'"

echo "== runtime attach and deletion protection"
check_eq "attach resolves both managed tables" \
  "$(mtsql "SELECT string_agg(identifier || ':' || status, ',' ORDER BY identifier) FROM metamigrate.attach(ARRAY['sdk_examples_account', 'public.sdk_examples_account_limit'])")" \
  "sdk_examples.Account:active,sdk_examples.AccountLimit:active"
psql -X -q -d "$MTDB" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "DROP TABLE sdk_examples_account_limit" >"$WORK/out" 2>"$WORK/err"
check "DROP of a managed table outside a migration is refused" test $? -ne 0
check "with SQLSTATE MM011 naming the table" err_has "MM011: cannot drop managed table public.sdk_examples_account_limit"
check_eq "the table is still there" "$(mtsql "SELECT to_regclass('sdk_examples_account_limit') IS NOT NULL")" t

echo "== a manifest declaring a table no revision creates"
mt_expect 0 "revision 0003 (account status)" revision -m "add account status" --rev-id 0003_status
mt_fill 0003_status "ALTER TABLE sdk_examples_account ADD COLUMN status varchar(32) NOT NULL DEFAULT 'active';" \
  "ALTER TABLE sdk_examples_account DROP COLUMN status;"
write_mt_manifest '{"table": "sdk_examples_ghost", "identifier": "sdk_examples.Ghost"}'
history_before="$(mtsql "SELECT count(*) FROM metamigrate.history")"
mt_expect 1 "upgrade with a declared table that no revision creates" upgrade
check "physical-state error MM010" err_has "error [MM010]"
check "it lists the missing table" err_has "sdk_examples.Ghost(sdk_examples_ghost):status=reserved:physical_table_exists=false"
check_eq "nothing applied: version table unchanged" "$(mtsql "SELECT version_num FROM sdk_examples_alembic_version")" 0002_account_limit
check_eq "nothing applied: schema unchanged" \
  "$(mtsql "SELECT count(*) FROM information_schema.columns WHERE table_name = 'sdk_examples_account' AND column_name = 'status'")" 0
check_eq "nothing applied: no reservation left behind" "$(mtsql "SELECT count(*) FROM metamigrate.meta_table WHERE table_name = 'sdk_examples_ghost'")" 0
check_eq "nothing applied: history unchanged" "$(mtsql "SELECT count(*) FROM metamigrate.history")" "$history_before"
check_eq "nothing applied: the hook did not run" "$(mtsql "SELECT count(*) FROM public.hook_calls")" 1
write_mt_manifest
mt_expect 0 "upgrade once the manifest is right" upgrade
check_eq "0003 applied" "$(mtsql "SELECT version_num FROM sdk_examples_alembic_version")" 0003_status
check_eq "the hook ran again" "$(mtsql "SELECT count(*) FROM public.hook_calls")" 2
check_eq "finalize stored the new column in the contract" \
  "$(mtsql "SELECT table_contract -> 'columns' @> '[{\"name\": \"status\"}]' FROM metamigrate.meta_table WHERE identifier = 'sdk_examples.Account'")" t
mt_expect 0 "upgrade --json with nothing to do still reconciles the catalog" --json upgrade
check "--json has the catalog" bash -c "grep -q '\"catalog\"' '$WORK/out' && grep -q '\"active\": 2' '$WORK/out'"
check "--json names the hook and the temporary login" \
  bash -c "grep -q '\"after_register\": \"public.refresh_example_catalog\"' '$WORK/out' && grep -qE '\"executed_by\": \"mm_tmp_sdk_examples_' '$WORK/out'"

echo "== temporary migration credential: issue, login, expiry"
mt_expect 0 "verbose upgrade through a credential" -v upgrade
check "verbose output names the temporary login" err_matches "issued temporary migration login mm_tmp_sdk_examples_[0-9a-f]{12}"
check "but never its password or URI" bash -c "! grep -qE '[0-9a-f]{64}|postgresql://mm_tmp_[a-z0-9_]*:' '$WORK/out' '$WORK/err'"
mt_expect 0 "--no-temp-credential runs as the user" --json upgrade --no-temp-credential
check "no temporary login then" out_has '"executed_by": "postgres"'
credentials_before="$(mtsql "SELECT count(*) FROM metamigrate.credential")"
mt_expect 0 "current (read-only)" current
check_eq "current issues no login" "$(mtsql "SELECT count(*) FROM metamigrate.credential")" "$credentials_before"
mt_expect 0 "upgrade with a 1s credential" upgrade --credential-ttl 1s
role="$(mtsql "SELECT role_name FROM metamigrate.credential ORDER BY issued_at DESC LIMIT 1")"
check "upgrade issued a new login" test "$(mtsql "SELECT count(*) FROM metamigrate.credential")" -gt "$credentials_before"
check_eq "the client dropped it when the command ended" \
  "$(mtsql "SELECT (SELECT count(*) FROM pg_roles WHERE rolname = '$role') || '/' || (dropped_at IS NOT NULL) FROM metamigrate.credential WHERE role_name = '$role'")" "0/true"
# A login issued directly, as the client's own is while it runs.
role="$(mtsql "SELECT metamigrate.migration_connection('{\"package\": \"sdk_examples\", \"migration_namespace\": \"sdk-examples\", \"ttl_seconds\": 1}') ->> 'role'")"
check_eq "it is a LOGIN member of the owner role that expires" \
  "$(mtsql "SELECT r.rolcanlogin AND r.rolvaliduntil < now() + interval '1 minute' AND pg_has_role(r.oid, '$MTOWNER', 'MEMBER') FROM pg_roles r WHERE r.rolname = '$role'")" t
check_eq "its secret is SCRAM with 128 iterations" \
  "$(mtsql "SELECT split_part(split_part(rolpassword, '\$', 2), ':', 1) FROM pg_authid WHERE rolname = '$role'")" 128
check_eq "one can log in with it (trust cluster)" "$(psql -X -At -U "$role" -d "$MTDB" -c "SELECT current_user" 2>/dev/null)" "$role"
# Password authentication for members of the owner role (the cluster's
# own rules trust everyone): the client must log in with the secret.
hba="$(mtsql "SHOW hba_file")"
if [ -w "$hba" ]; then
  cp "$hba" "$WORK/hba.saved"
  { echo "local $MTDB +$MTOWNER scram-sha-256"; cat "$WORK/hba.saved"; } >"$hba"
  mtsql "SELECT pg_reload_conf()" >/dev/null
  sleep 0.2
  PGPASSWORD= psql -X -At -w -U "$role" -d "$MTDB" -c "SELECT 1" >"$WORK/out" 2>"$WORK/err"
  check "with scram-sha-256 for the owner's members, no password is refused" \
    bash -c "[ $? -ne 0 ] && grep -q 'password' '$WORK/err'"
  mt_expect 0 "upgrade logs in with its temporary login's SCRAM password" upgrade
  cp "$WORK/hba.saved" "$hba"
  mtsql "SELECT pg_reload_conf()" >/dev/null
  sleep 0.2
fi
sleep 2
check "reap_credentials drops the expired one" test "$(mtsql "SELECT metamigrate.reap_credentials()")" -ge 1
check_eq "the role is gone" "$(mtsql "SELECT count(*) FROM pg_roles WHERE rolname = '$role'")" 0
psql -X -At -U "$role" -d "$MTDB" -c "SELECT 1" >"$WORK/out" 2>"$WORK/err"
check "login with it fails" bash -c "[ $? -ne 0 ] && grep -q 'does not exist' '$WORK/err'"
mt_expect 2 "--credential-ttl is bounded" current --credential-ttl 2h
mt_expect 2 "--credential-ttl needs a credential" current --credential-ttl 5s --no-temp-credential

echo "== downgrade retires what it drops"
account_uid="$(mtsql "SELECT uid FROM metamigrate.meta_table WHERE identifier = 'sdk_examples.Account'")"
mt_expect 0 "downgrade to base" downgrade base
check "downgrade reports the retired rows" out_has "catalog: 2 retired (sdk_examples_account, sdk_examples_account_limit)"
check_eq "tables dropped by the provider's own revisions" "$(mtsql "SELECT to_regclass('sdk_examples_account') IS NULL")" t
check_eq "both rows retired" "$(mtsql "SELECT string_agg(status, ',') FROM metamigrate.meta_table WHERE kind = 'meta_table'")" "retired,retired"
check_eq "the hook saw the downgrade" "$(mtsql "SELECT operation || '/' || statuses FROM public.hook_calls ORDER BY ctid DESC LIMIT 1")" "downgrade/retired,retired"
check "attach now refuses them" bash -c "! psql -X -q -d '$MTDB' -c \"SELECT * FROM metamigrate.attach(ARRAY['sdk_examples_account'])\" >/dev/null 2>&1"
mt_expect 0 "upgrade again" upgrade
check_eq "the retired row is revived with its uid" \
  "$(mtsql "SELECT uid || ':' || status FROM metamigrate.meta_table WHERE identifier = 'sdk_examples.Account' AND status <> 'retired'")" "$account_uid:active"

echo "== MetaTable lifecycle around a non-transactional revision"
mt_expect 0 "non-transactional revision 0004" revision -m "index region" --rev-id 0004_region_idx --non-transactional
mt_fill 0004_region_idx "CREATE INDEX CONCURRENTLY sdk_examples_account_region_idx ON sdk_examples_account (region);" \
  "DROP INDEX CONCURRENTLY sdk_examples_account_region_idx;"
mt_expect 0 "revision 0005 creating a third managed table" revision -m "account note" --rev-id 0005_note
mt_fill 0005_note "CREATE TABLE sdk_examples_account_note (uid uuid PRIMARY KEY, account_uid uuid NOT NULL REFERENCES sdk_examples_account (uid), note text);" \
  "DROP TABLE sdk_examples_account_note;"
write_mt_manifest '{"table": "sdk_examples_account_note", "identifier": "sdk_examples.AccountNote"}'
mt_expect 0 "mixed upgrade with managed tables" upgrade
check "it ran in parts" err_has "0004_region_idx is non-transactional"
check "finalized after the last part" out_has "catalog: 3 active (sdk_examples_account, sdk_examples_account_limit, sdk_examples_account_note)"
check_eq "the new table's row is active" \
  "$(mtsql "SELECT status FROM metamigrate.meta_table WHERE identifier = 'sdk_examples.AccountNote'")" active
mt_expect 0 "mixed downgrade back to 0003" downgrade 0003_status
check "the dropped table's row is retired" out_has "1 retired (sdk_examples_account_note)"
write_mt_manifest '{"table": "sdk_examples_missing", "identifier": "sdk_examples.Missing"}'
mt_expect 1 "mixed upgrade with a table no revision creates" upgrade
check "physical-state error after the parts" err_has "error [MM010]"
check "says the parts stay committed and the catalog step was rolled back" err_has "only the catalog step failed and was rolled back"
check_eq "the parts are committed" "$(mtsql "SELECT version_num FROM sdk_examples_alembic_version")" 0005_note
check_eq "its reservation was committed before the parts (documented)" \
  "$(mtsql "SELECT status FROM metamigrate.meta_table WHERE table_name = 'sdk_examples_missing'")" reserved
write_mt_manifest '{"table": "sdk_examples_account_note", "identifier": "sdk_examples.AccountNote"}'
mt_expect 0 "the next upgrade finalizes" upgrade
check "nothing to apply, catalog finalized" out_has "catalog: 3 active"
