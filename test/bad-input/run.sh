#!/usr/bin/env bash
# Bad input corpus: every case is a provider directory with one defect
# (cases/*/migrations) and an `expect` file; a few cases that cannot be
# committed (NUL bytes, a 50 MB file, an unreadable file, symbolic link
# loops, a missing provider directory) are generated below. Each case runs
# `metamigrate upgrade` against a database with the extension and must
#   - exit 2 (bad input file) or 1 (a refusal by the database),
#   - print a first line "file:line: message" naming the file and line
#     (for exit 2 that one line is all of stderr),
#   - change nothing in the database.
# Cases with exit=0 are inputs that must be accepted (CRLF, BOM): they
# must apply (applied=REV) and are then reverted.
#
# Needs PGHOST/PGPORT/PGUSER of a superuser on a cluster where
# `make install` was done. Ends with "N passed, M failed".
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
MM="${METAMIGRATE_BIN:-$here/../../build/metamigrate}"
[ -x "$MM" ] || { echo "client binary not found at $MM (run make)"; echo "0 passed, 1 failed"; exit 1; }
MM="$(cd "$(dirname "$MM")" && pwd)/$(basename "$MM")"
unset METAMIGRATE_DSN DATABASE_URL PGDATABASE PGPASSWORD PGSERVICE

DB="mmbad_$$"
OWNER=mm_bad_input_owner   # spelled in the fixtures' manifests
WORK="$(mktemp -d /tmp/metamigrate-bad-input.XXXXXX)"
chmod 755 "$WORK"
passed=0
failed=0

cleanup() {
  for role in $(psql -X -At -d "$DB" -c "SELECT role_name FROM metamigrate.credential" 2>/dev/null); do
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1
  done
  dropdb --if-exists "$DB" >/dev/null 2>&1
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS $OWNER" >/dev/null 2>&1
  chmod -R u+rwX "$WORK" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
# Everything an upgrade could touch: catalog, relations, roles.
fingerprint() {
  sql -c "SELECT md5(concat_ws('|',
    (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_roles),
    (SELECT string_agg(provider_key, ',' ORDER BY provider_key) FROM metamigrate.provider),
    (SELECT count(*) FROM metamigrate.revision), (SELECT count(*) FROM metamigrate.history),
    (SELECT count(*) FROM metamigrate.meta_table), (SELECT count(*) FROM metamigrate.credential)))"
}

createdb "$DB" || { echo "0 passed, 1 failed"; exit 1; }
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $OWNER" -c "CREATE ROLE $OWNER NOLOGIN" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
sql -c "CREATE EXTENSION metamigrate; GRANT USAGE ON SCHEMA metamigrate TO $OWNER; GRANT USAGE, CREATE ON SCHEMA public TO $OWNER" || { echo "0 passed, 1 failed"; exit 1; }

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  sed 's/^/       stderr| /' "$WORK/err" | head -8
}

# --- generated cases (cannot be committed as files)
base_case() {  # NAME EXIT FILE LINE MESSAGE -> dir in $WORK/generated
  local d="$WORK/generated/$1"
  mkdir -p "$d/migrations/versions/ns"
  printf '{\n  "package": "bad",\n  "namespace": "ns",\n  "owner_role": "%s"\n}\n' "$OWNER" >"$d/migrations/metamigrate.json"
  printf -- '-- metamigrate:revision\n-- revision: r1\n-- down_revision:\n-- message: first\n\n-- metamigrate:upgrade\nCREATE TABLE bad_first (id int);\n\n-- metamigrate:downgrade\nDROP TABLE bad_first;\n' \
    >"$d/migrations/versions/ns/r1_first.sql"
  printf 'exit=%s\nfile=%s\nline=%s\nmessage=%s\n' "$2" "$3" "$4" "$5" >"$d/expect"
  echo "$d"
}
V=migrations/versions/ns
d=$(base_case g1-nul-byte 2 $V/r2_x.sql 6 "NUL byte in text file")
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n\n-- metamigrate:upgrade\nSELECT 1;\0\n-- metamigrate:downgrade\n' >"$d/$V/r2_x.sql"
d=$(base_case g2-nul-byte-in-manifest 2 migrations/metamigrate.json 3 "NUL byte in text file")
printf '{\n  "package": "bad",\n  "namespace": "ns\0",\n  "owner_role": "x"\n}\n' >"$d/migrations/metamigrate.json"
d=$(base_case g3-50-mb-revision 2 $V/r2_big.sql 0 "file too large (50.0 MiB; at most 16 MiB)")
{
  printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n\n-- metamigrate:upgrade\n'
  head -c $((50 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
  printf '\n-- metamigrate:downgrade\n'
} >"$d/$V/r2_big.sql"
d=$(base_case g4-2-mb-manifest 2 migrations/metamigrate.json 0 "file too large")
{ printf '{"package": "bad", "namespace": "ns", "owner_role": "x", "schemas": ["'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'x'; printf '"]}\n'; } \
  >"$d/migrations/metamigrate.json"
d=$(base_case g5-unreadable-revision 2 $V/r2_x.sql 0 "cannot read file: Permission denied")
printf -- '-- metamigrate:revision\n-- revision: r2\n-- down_revision: r1\n\n-- metamigrate:upgrade\nSELECT 1;\n-- metamigrate:downgrade\n' >"$d/$V/r2_x.sql"
chmod 000 "$d/$V/r2_x.sql"
d=$(base_case g6-unreadable-manifest 2 migrations/metamigrate.json 0 "cannot read file: Permission denied")
chmod 000 "$d/migrations/metamigrate.json"
d=$(base_case g7-symlink-loop 2 $V/r2_loop.sql 0 "broken symbolic link: Too many levels of symbolic links")
ln -s r2_loop.sql "$d/$V/r2_loop.sql"
d=$(base_case g8-symlink-cycle-of-two 2 $V/r2_a.sql 0 "broken symbolic link: Too many levels of symbolic links")
ln -s r3_b.sql "$d/$V/r2_a.sql"
ln -s r2_a.sql "$d/$V/r3_b.sql"
d=$(base_case g9-versions-directory-loop 2 migrations/versions/ns 0 "cannot read the revision directory: Too many levels of symbolic links")
rm -rf "$d/migrations/versions/ns" && ln -s ns "$d/migrations/versions/ns"
d=$(base_case g10-dangling-symlink 2 $V/r2_gone.sql 0 "broken symbolic link: No such file or directory")
ln -s /nonexistent/r2_gone.sql "$d/$V/r2_gone.sql"
d=$(base_case g11-provider-directory-missing 2 migrations/metamigrate.json 0 "provider directory migrations does not exist")
rm -rf "$d/migrations"
d=$(base_case g12-manifest-symlink-loop 2 migrations/metamigrate.json 0 "cannot read the provider manifest: Too many levels of symbolic links")
rm "$d/migrations/metamigrate.json" && ln -s metamigrate.json "$d/migrations/metamigrate.json"

# Root reads everything: the unreadable cases then run as an unprivileged user.
as_user=()
if [ "$(id -u)" = 0 ]; then
  chmod -R o+rX "$WORK/generated" 2>/dev/null
  chmod 000 "$WORK/generated/g5-unreadable-revision/$V/r2_x.sql" "$WORK/generated/g6-unreadable-manifest/migrations/metamigrate.json"
  as_user=(runuser -u nobody --)
fi

# --- run every case
run_case() {  # DIR (a copy is used, so the repository stays untouched)
  local dir="$1" name expect_exit expect_file expect_line expect_message applied
  name="$(basename "$dir")"
  expect_exit="$(sed -n 's/^exit=//p' "$dir/expect")"
  expect_file="$(sed -n 's/^file=//p' "$dir/expect")"
  expect_line="$(sed -n 's/^line=//p' "$dir/expect")"
  expect_message="$(sed -n 's/^message=//p' "$dir/expect")"
  applied="$(sed -n 's/^applied=//p' "$dir/expect")"
  local before after rc runner=()
  case "$name" in g5-*|g6-*) runner=("${as_user[@]}") ;; esac
  before="$(fingerprint)"
  (cd "$dir" && "${runner[@]}" "$MM" --dsn "dbname=$DB user=${PGUSER:-postgres}" --provider migrations upgrade \
     >"$WORK/out" 2>"$WORK/err")
  rc=$?
  after="$(fingerprint)"
  if [ "$expect_exit" = 0 ]; then
    local version
    version="$(sql -c "SELECT string_agg(version_num, ',') FROM bad_alembic_version" 2>/dev/null)"
    if [ "$rc" -eq 0 ] && [ "$version" = "$applied" ]; then pass "$name: accepted and applied ($applied)"; else fail "$name: expected exit 0 and $applied applied, got exit $rc, version '$version'"; fi
    (cd "$dir" && "$MM" --dsn "dbname=$DB" --provider migrations -q downgrade base >/dev/null 2>&1)
    sql -c "DELETE FROM metamigrate.provider WHERE provider_key = 'bad:ns'" 2>/dev/null || true
    return
  fi
  local location="$expect_file:$expect_line: "
  [ "$expect_line" = 0 ] && location="$expect_file: "
  local first
  first="$(head -1 "$WORK/err")"
  local problems=()
  [ "$rc" -eq "$expect_exit" ] || problems+=("exit $rc, expected $expect_exit")
  [ "${first#"$location"}" != "$first" ] || problems+=("first line does not start with '$location'")
  grep -qF -- "$expect_message" "$WORK/err" || problems+=("no '$expect_message'")
  if [ "$expect_exit" = 2 ] && [ "$(wc -l <"$WORK/err")" -ne 1 ]; then problems+=("more than one line"); fi
  [ "$before" = "$after" ] || problems+=("the database changed")
  [ ! -s "$WORK/out" ] || problems+=("something on stdout")
  if [ ${#problems[@]} -eq 0 ]; then
    pass "$name: exit $rc, $first"
  else
    fail "$name: $(IFS=';'; echo "${problems[*]}")"
  fi
}

echo "== committed cases"
mkdir -p "$WORK/cases"
cp -a "$here/cases/." "$WORK/cases/"
chmod -R o+rX "$WORK/cases" 2>/dev/null
for dir in "$WORK"/cases/*/; do run_case "${dir%/}"; done
echo "== generated cases"
for dir in "$WORK"/generated/*/; do run_case "${dir%/}"; done

total=$((passed + failed))
[ "$total" -ge 40 ] || { failed=$((failed + 1)); echo "FAIL - the corpus has only $total cases (at least 40)"; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
