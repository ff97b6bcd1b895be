# Sourced by run.sh. A revision author (a LOGIN role that is a member of the
# provider's owner role) writes a non-transactional revision whose SQL
# leaves the owner role (RESET ROLE, SET ROLE NONE, SET SESSION
# AUTHORIZATION, RESET ALL, DISCARD ALL, or a DO block that EXECUTEs one)
# and then makes itself a superuser. A superuser DBA runs the upgrade, with
# --no-temp-credential (the client's connection is the DBA's own login) and
# with the default temporary credential. The attacker must stay a plain
# role, the command must fail, and nothing may be recorded as applied.

s04_owner="sec04_owner_$suffix"
s04_attacker="sec04_attacker_$suffix"
new_role "$s04_owner" NOLOGIN
new_role "$s04_attacker" LOGIN
su_sql postgres "GRANT \"$s04_owner\" TO \"$s04_attacker\""
s04_case=0

# s04_provider DB: a fresh database with the provider set up by the
# scaffold's SQL; sets s04_dir (the provider directory) and s04_db.
s04_provider() {
  s04_case=$((s04_case + 1))
  s04_db="sec04_${suffix}_$s04_case"
  s04_dir="$WORK/s04_$s04_case/migrations"
  new_db "$s04_db"
  run --provider "$s04_dir" scaffold --package sec04 --namespace main --owner-role "$s04_owner"
  psql -X -q -v ON_ERROR_STOP=1 -d "$s04_db" -f "$WORK/out" >/dev/null 2>&1
}
# s04_revision ID TRANSACTIONAL UP: a first revision (down_revision empty).
s04_revision() {
  mkdir -p "$s04_dir/versions/main"
  cat >"$s04_dir/versions/main/$1.sql" <<EOF
-- metamigrate:revision
-- revision: $1
-- down_revision:
-- branch_labels:
-- depends_on:
-- message: $1
-- create_date: 2026-01-01T00:00:00Z
-- transactional: $2

-- metamigrate:upgrade
$3

-- metamigrate:downgrade
EOF
}
s04_run() { run --dsn "dbname=$s04_db" --provider "$s04_dir" "$@"; }
s04_applied() { su_sql "$s04_db" "SELECT count(*) FROM metamigrate.history WHERE revision = 'r1_escape'"; }

# s04_attack NAME UP ARGS...: the revision UP run by the superuser with ARGS;
# every variant must fail and leave the attacker as it was.
s04_attack() {
  local name="$1" up="$2"
  shift 2
  s04_provider
  s04_revision r1_escape false "$up"
  s04_run upgrade "$@"
  check "$name: the upgrade fails" test "$rc" -eq 1
  check_eq "$name: the attacker is not a superuser" "$(is_superuser "$s04_attacker")" f
  check_eq "$name: the revision is not recorded as applied" "$(s04_applied)" 0
  su_sql postgres "ALTER ROLE \"$s04_attacker\" NOSUPERUSER" >/dev/null
}

s04_escalate="ALTER ROLE \"$s04_attacker\" SUPERUSER;"

echo "-- as the superuser's own login (--no-temp-credential)"
s04_attack "RESET ROLE" "RESET ROLE;
$s04_escalate" --no-temp-credential
check "RESET ROLE: the error names the statement that changed the role" \
  err_has "statement 1 (RESET ROLE) of revision r1_escape"
check "RESET ROLE: and says it changed the role" err_has "changed the role"
check "RESET ROLE: the escalation never ran (statement 2 not reached)" bash -c "! grep -q 'statement 2' '$WORK/err'"
s04_attack "SET ROLE NONE" "SET ROLE NONE;
$s04_escalate" --no-temp-credential
check "SET ROLE NONE: the error names statement 1" err_has "statement 1 (SET ROLE NONE) of revision r1_escape"
s04_attack "SET SESSION AUTHORIZATION DEFAULT" "SET SESSION AUTHORIZATION DEFAULT;
$s04_escalate" --no-temp-credential
s04_attack "RESET ALL" "RESET ALL;
$s04_escalate" --no-temp-credential
s04_attack "DISCARD ALL" "DISCARD ALL;
$s04_escalate" --no-temp-credential
s04_attack "DO block that EXECUTEs RESET ROLE" "DO \$\$ BEGIN EXECUTE 'RESET ROLE'; EXECUTE 'ALTER ROLE \"$s04_attacker\" SUPERUSER'; END \$\$;" \
  --no-temp-credential
s04_attack "DO block that EXECUTEs SET SESSION AUTHORIZATION" \
  "DO \$\$ BEGIN EXECUTE 'SET SESSION AUTHORIZATION DEFAULT'; EXECUTE 'ALTER ROLE \"$s04_attacker\" SUPERUSER'; END \$\$;" \
  --no-temp-credential
s04_attack "DO block that resets and restores the role" \
  "DO \$\$ BEGIN EXECUTE 'RESET ROLE'; EXECUTE 'ALTER ROLE \"$s04_attacker\" SUPERUSER'; EXECUTE 'SET ROLE \"$s04_owner\"'; END \$\$;" \
  --no-temp-credential
s04_attack "a second statement after a harmless first one" "SELECT 1;
RESET ROLE;
$s04_escalate" --no-temp-credential
check "the error names statement 2" err_has "statement 2 (RESET ROLE) of revision r1_escape"
check "statement 1 ran: the journal records the interruption" err_has "metamigrate repair"

echo "-- as the default temporary credential"
s04_attack "RESET ROLE (temporary credential)" "RESET ROLE;
$s04_escalate"
check "RESET ROLE (temporary credential): the error names the statement that changed the role" \
  err_has "statement 1 (RESET ROLE) of revision r1_escape"
s04_attack "DO block (temporary credential)" "DO \$\$ BEGIN EXECUTE 'RESET ROLE'; EXECUTE 'ALTER ROLE \"$s04_attacker\" SUPERUSER'; END \$\$;"
# Objects created after leaving the owner role would belong to the login.
s04_provider
s04_revision r1_escape false "RESET ROLE;
CREATE TABLE sec04_stolen (i int);"
s04_run upgrade
check "a table created after RESET ROLE (temporary credential): the upgrade fails" test "$rc" -eq 1
check_eq "and the table was never created" "$(su_sql "$s04_db" "SELECT count(*) FROM pg_class WHERE relname = 'sec04_stolen'")" 0

echo "-- a legitimate non-transactional revision still runs, as the owner role"
s04_provider
s04_revision r1_escape false "CREATE TABLE sec04_ok (i int);
SET ROLE \"$s04_owner\";
CREATE INDEX CONCURRENTLY sec04_ok_i ON sec04_ok (i);"
s04_run upgrade --no-temp-credential
check "--no-temp-credential: the upgrade succeeds" test "$rc" -eq 0
check_eq "it is recorded" "$(s04_applied)" 1
check_eq "the table belongs to the owner role" \
  "$(su_sql "$s04_db" "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'sec04_ok'")" "$s04_owner"
check_eq "so does the index" \
  "$(su_sql "$s04_db" "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'sec04_ok_i'")" "$s04_owner"
check "the statements ran as a temporary login, not as the superuser" \
  test "$(su_sql "$s04_db" "SELECT count(*) FROM metamigrate.credential")" -ge 1
s04_provider
s04_revision r1_escape false "CREATE TABLE sec04_ok (i int);"
s04_run upgrade
check "temporary credential: the upgrade succeeds" test "$rc" -eq 0
check_eq "it is recorded" "$(s04_applied)" 1
