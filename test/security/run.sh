#!/usr/bin/env bash
# Attacker tests: each part plays a login that should gain nothing through
# metamigrate (a LOGIN role with no grants, or a member of one provider's
# owner role attacking another provider) and checks that it did not.
#
# Needs PGHOST/PGPORT/PGUSER (a superuser) of a cluster on which
# `make install` has been done. Every part creates its own databases and
# roles through the helpers below; all are removed at the end. Prints a
# final line "N passed, M failed". SEC_ONLY=07 runs only the parts whose
# file names start with 07.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
MM="${METAMIGRATE_BIN:-$here/../../build/metamigrate}"
[ -x "$MM" ] || { echo "client binary not found at $MM (run make)"; echo "0 passed, 1 failed"; exit 1; }
MM="$(cd "$(dirname "$MM")" && pwd)/$(basename "$MM")"
unset METAMIGRATE_DSN DATABASE_URL PGDATABASE PGPASSWORD PGSERVICE

suffix="$$"
WORK="$(mktemp -d /tmp/metamigrate-security-test.XXXXXX)"
passed=0
failed=0
CREATED_DBS=()
CREATED_ROLES=()

cleanup() {
  local db role
  for db in "${CREATED_DBS[@]}"; do
    # Temporary logins are cluster-wide: drop the ones this database issued.
    for role in $(psql -X -At -d "$db" -c "SELECT role_name FROM metamigrate.credential" 2>/dev/null); do
      CREATED_ROLES+=("$role")
    done
    dropdb --if-exists --force "$db" >/dev/null 2>&1
  done
  for role in $(psql -X -At -d postgres -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'mm\_tmp\_sec%'" 2>/dev/null); do
    CREATED_ROLES+=("$role")
  done
  for role in "${CREATED_ROLES[@]}"; do
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

source "$here/../lib/checks.sh"

# new_db NAME: a database with the extension, removed at the end.
new_db() {
  createdb "$1" && CREATED_DBS+=("$1") && psql -X -q -d "$1" -c "CREATE EXTENSION metamigrate" >/dev/null
}
# new_role NAME [OPTIONS...]: a role (LOGIN unless OPTIONS say otherwise).
new_role() {
  local name="$1"
  shift
  psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE ROLE \"$name\" ${*:-LOGIN}" >/dev/null &&
    CREATED_ROLES+=("$name")
}
# su_sql DB SQL: as the superuser; prints rows unaligned.
su_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
# as_role ROLE DB SQL: as ROLE, keeping stdout in $WORK/out and stderr in
# $WORK/err; rc is psql's exit status.
as_role() {
  psql -X -q -At -v ON_ERROR_STOP=1 -U "$1" -d "$2" -c "$3" >"$WORK/out" 2>"$WORK/err"
  rc=$?
}
# scaffold_provider NAME OWNER: in $WORK/NAME (the current directory
# after), a provider NAME:main of OWNER whose one revision t1 creates
# table NAME_t.
scaffold_provider() {
  mkdir -p "$WORK/$1" && cd "$WORK/$1" || return 1
  run scaffold --package "$1" --namespace main --owner-role "$2"
  mkdir -p migrations/versions/main
  cat >migrations/versions/main/t1_create.sql <<SQL
-- metamigrate:revision
-- revision: t1
-- down_revision:
-- message: create
-- transactional: true

-- metamigrate:upgrade
CREATE TABLE ${1}_t (id int);

-- metamigrate:downgrade
DROP TABLE ${1}_t;
SQL
}
# is_superuser ROLE: t or f.
is_superuser() { su_sql postgres "SELECT rolsuper FROM pg_roles WHERE rolname = '$1'"; }
cd "$WORK" || exit 1
for part in "$here"/[0-9]*.sh; do
  name="$(basename "$part" .sh)"
  if [ -n "${SEC_ONLY:-}" ] && [[ "$name" != "$SEC_ONLY"* ]]; then continue; fi
  echo "== $name"
  rm -f "$WORK/out" "$WORK/err"
  source "$part"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
