# Sourced by run.sh. Client inputs that would mislead silently:
# (a) a manifest with a key written twice (JSON parsers keep one of them
#     without a word, so what is reviewed is not what runs): an input error,
#     exit 2, file:line naming the key;
# (b) a password in --dsn, which every local user can read in the process
#     list: a warning pointing to METAMIGRATE_DSN or ~/.pgpass, the password
#     never printed, and the command still works.

s10_dir="$WORK/s10/migrations"
s10_owner="sec10_owner_$suffix"
s10_manifest="$s10_dir/metamigrate.json"
new_role "$s10_owner" NOLOGIN
run --provider "$s10_dir" scaffold --package sec10 --namespace main --owner-role "$s10_owner"
cp "$WORK/out" "$WORK/s10_setup.sql"
cp "$s10_manifest" "$WORK/s10_manifest.orig"

# s10_duplicate DESCRIPTION LINE KEY: the manifest now in place is refused
# with exit 2 and one line "file:LINE: ... KEY ...".
s10_duplicate() {
  run --provider "$s10_dir" heads
  check_eq "$1: exit 2" "$rc" 2
  check "$1: one line file:$2: naming \"$3\"" \
    bash -c "[ \$(wc -l <'$WORK/err') -eq 1 ] && grep -qF -- '$s10_manifest:$2: ' '$WORK/err' && grep -qF -- 'duplicate key \"$3\"' '$WORK/err'"
}

echo "-- (a) duplicate manifest keys"
cat >"$s10_manifest" <<EOF
{
  "package": "sec10",
  "namespace": "main",
  "owner_role": "$s10_owner",
  "owner_role": "postgres"
}
EOF
s10_duplicate "owner_role twice (the second would win: a superuser)" 5 owner_role
check "the message says where the first one is" err_has "line 4"
cat >"$s10_manifest" <<EOF
{
  "package": "sec10",
  "namespace": "main",
  "owner_role": "$s10_owner",
  "version_table": {
    "schema": "public",
    "name": "sec10_alembic_version",
    "schema": "pg_catalog"
  }
}
EOF
s10_duplicate "a nested key twice (version_table.schema)" 8 schema
cat >"$s10_manifest" <<EOF
{"package": "sec10", "namespace": "main", "owner_role": "$s10_owner",
 "metatables": [
   {"table": "t1"},
   {"table": "t2",
    "identifier": "x", "identifier": "y"}
 ]}
EOF
s10_duplicate "a key twice in a metatables entry" 5 identifier
printf '{"package": "sec10", "namespace": "main", "owner_role": "%s",\n"after_register": null, "\\u0061fter_register": "public.f"}\n' \
  "$s10_owner" >"$s10_manifest"
s10_duplicate "the same key spelled with an escape" 2 after_register
cat >"$s10_manifest" <<EOF
{"package": "sec10", "namespace": "main", "owner_role": "$s10_owner",
 "metatables": [{"table": "t1"}, {"table": "t2"}]}
EOF
run --provider "$s10_dir" heads
check_eq "the same key in two different objects is fine" "$rc" 0
cp "$WORK/s10_manifest.orig" "$s10_manifest"
run --provider "$s10_dir" heads
check_eq "the scaffolded manifest is fine" "$rc" 0

echo "-- (b) a password in --dsn"
s10_db="sec10_$suffix"
s10_login="sec10_login_$suffix"
s10_secret="Sec10Pw${suffix}Xq7"
new_db "$s10_db"
psql -X -q -v ON_ERROR_STOP=1 -d "$s10_db" -f "$WORK/s10_setup.sql" >/dev/null 2>&1
new_role "$s10_login" LOGIN PASSWORD "'$s10_secret'" IN ROLE "\"$s10_owner\""
s10_host_enc="$(printf %s "${PGHOST:-/tmp}" | sed 's|/|%2F|g')"
s10_no_secret() { ! grep -qF -- "$s10_secret" "$WORK/out" "$WORK/err"; }
s10_warned() { [ "$(grep -c '^warning: .*--dsn.*password' "$WORK/err")" -eq 1 ] && err_has "METAMIGRATE_DSN" && err_has ".pgpass"; }

run --dsn "postgresql://$s10_login:$s10_secret@/$s10_db?host=$s10_host_enc&port=${PGPORT:-5432}" --provider "$s10_dir" current
check_eq "URI user:password@: the command still works" "$rc" 0
check "URI: one warning line pointing to METAMIGRATE_DSN and ~/.pgpass" s10_warned
check "URI: the password is not printed" s10_no_secret
run -v --dsn "user=$s10_login password=$s10_secret dbname=$s10_db" --provider "$s10_dir" upgrade
check_eq "conninfo password=, verbose upgrade: works" "$rc" 0
check "conninfo: one warning line" s10_warned
check "conninfo: the password is not printed (also not with -v)" s10_no_secret
run --provider "$s10_dir" current --json --dsn "dbname=$s10_db password=$s10_secret user=$s10_login"
check_eq "--dsn after the command, with --json: works" "$rc" 0
check "after the command: the warning too" s10_warned
check "after the command: the password is not printed" s10_no_secret
run --dsn "postgresql://$s10_login:$s10_secret@/$s10_db?host=$s10_host_enc&port=1" --provider "$s10_dir" current
check_eq "a failing connection: exit 1" "$rc" 1
check "a failing connection: warned, password not printed" bash -c "grep -q '^warning: .*--dsn' '$WORK/err' && ! grep -qF -- '$s10_secret' '$WORK/out' '$WORK/err'"
run --dsn "postgresql://$s10_login:$s10_secret@/x?badparam=1" --provider "$s10_dir" current
check_eq "an invalid connection string with a password: exit 2" "$rc" 2
check "an invalid connection string: warned, password not printed" bash -c "grep -q '^warning: .*--dsn' '$WORK/err' && ! grep -qF -- '$s10_secret' '$WORK/out' '$WORK/err'"
run --dsn "user=$s10_login dbname=$s10_db" --provider "$s10_dir" current
check "no password in --dsn: no warning" bash -c "[ $rc -eq 0 ] && ! grep -q '^warning:' '$WORK/err'"
METAMIGRATE_DSN="user=$s10_login password=$s10_secret dbname=$s10_db" "$MM" --provider "$s10_dir" current >"$WORK/out" 2>"$WORK/err"
rc=$?
check "the password in METAMIGRATE_DSN: works, no warning" bash -c "[ $rc -eq 0 ] && ! grep -q '^warning:' '$WORK/err'"
check "METAMIGRATE_DSN: the password is not printed" s10_no_secret
