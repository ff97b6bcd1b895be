#!/usr/bin/env bash
# Alembic interoperability tests: the real Alembic (Debian python3-alembic,
# python3-psycopg2) and the real `metamigrate` client on the same version
# table, with the same revision ids, graph and SQL (fixture/).
#
#   PGHOST=... PGPORT=... PGUSER=postgres test/interop/alembic/run.sh
#
# Needs a superuser on a local cluster where `make install` has been done.
# Creates its own databases and roles (suffixed with the pid) and drops them
# at the end. Every check prints "ok - ..." or "not ok - ..."; the last line
# is "N passed, M failed"; the exit status is 1 when anything failed.
# Alembic is the oracle: for the same target, both tools must end with the
# same version-table rows (and both succeed, or both refuse).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
PY="${ALEMBIC_PYTHON:-/usr/bin/python3}"
MM="${METAMIGRATE_BIN:-$(command -v metamigrate || echo "$here/../../../build/metamigrate")}"
STEP_TIMEOUT="${INTEROP_STEP_TIMEOUT:-120}"   # seconds, per command
export PYTHONDONTWRITEBYTECODE=1

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
abort() { echo "not ok - $1"; failed=$((failed + 1)); finish; }

# ---------------------------------------------------------------- preflight
unset METAMIGRATE_DSN DATABASE_URL PGDATABASE PGPASSWORD PGSERVICE PGSERVICEFILE
case "${PGHOST:-}" in
  /*|""|localhost|127.0.0.1|::1) ;;
  *) abort "PGHOST=$PGHOST is not a local cluster; this test only runs against a local throwaway cluster" ;;
esac
[ -x "$MM" ] || abort "metamigrate client not found (make && make install, or METAMIGRATE_BIN)"
"$PY" -c 'import alembic, psycopg2, sqlalchemy' 2>/dev/null ||
  abort "$PY cannot import alembic/psycopg2/sqlalchemy (apt-get install python3-alembic python3-psycopg2)"
psql -X -q -At -d postgres -c 'SELECT 1' >/dev/null 2>&1 || abort "cannot connect to the cluster (PGHOST/PGPORT/PGUSER)"
[ "$(psql -X -At -d postgres -c 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user')" = t ] ||
  abort "PGUSER must be a superuser"
psql -X -At -d postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'metamigrate'" | grep -q 1 ||
  abort "extension metamigrate is not installed in this cluster (make install)"
echo "# alembic $("$PY" -c 'import alembic; print(alembic.__version__)'), $("$MM" --version), $(psql -X -At -d postgres -c 'SHOW server_version')"

# ---------------------------------------------------------------- names and cleanup
sfx="$$"
OWNER="mmia_owner_$sfx"         # the provider's owner role (LOGIN: Alembic connects as it)
DEPLOYER="mmia_deployer_$sfx"   # non-superuser member of OWNER: runs metamigrate
LEGACY="mmia_legacy_$sfx"       # the role an older Alembic deployment used
VT=interop_alembic_version      # the provider's version table (<package>_alembic_version)
WORK="$(mktemp -d /tmp/metamigrate-interop.XXXXXX)"
DBS=()

cleanup() {
  local db
  for db in "${DBS[@]}"; do dropdb --if-exists "$db" >/dev/null 2>&1; done
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$DEPLOYER\"" -c "DROP ROLE IF EXISTS \"$LEGACY\"" \
    -c "DROP ROLE IF EXISTS \"$OWNER\"" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Private copy of the fixture with this run's owner role.
cp -r "$here/fixture/." "$WORK/"
sed -i "s/\"owner_role\": \"interop_owner\"/\"owner_role\": \"$OWNER\"/" "$WORK/migrations/metamigrate.json"
PROVIDER="$WORK/migrations"
ALEMBIC_DIR="$WORK/alembic"

psql -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL || abort "cannot create the test roles"
CREATE ROLE "$OWNER" LOGIN;
CREATE ROLE "$DEPLOYER" LOGIN IN ROLE "$OWNER";
CREATE ROLE "$LEGACY" LOGIN;
SQL

# new_db NAME [extension]: a fresh database. OWNER may create in public; with
# "extension", the one-time setup of `metamigrate scaffold` is run too.
new_db() {
  DBS+=("$1")
  dropdb --if-exists "$1" >/dev/null 2>&1
  createdb "$1" || return 1
  psql -X -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null <<SQL || return 1
GRANT USAGE, CREATE ON SCHEMA public TO "$OWNER";
$( [ "${2:-}" = extension ] && cat <<EXT
CREATE EXTENSION metamigrate;
GRANT USAGE ON SCHEMA metamigrate TO "$OWNER";
EXT
)
SQL
}

# al DB ROLE ARGS...: alembic, connected as ROLE. Sets rc; output in $WORK/al.{out,err}.
al() {
  local db="$1" role="$2"
  shift 2
  (cd "$ALEMBIC_DIR" && INTEROP_DB_URL="postgresql+psycopg2://$role@/$db" \
    timeout -k 5 "$STEP_TIMEOUT" "$PY" -m alembic -c alembic.ini "$@") >"$WORK/al.out" 2>"$WORK/al.err"
  rc=$?
}
# mm DB ROLE ARGS...: the metamigrate client, connected as ROLE.
mm() {
  local db="$1" role="$2"
  shift 2
  timeout -k 5 "$STEP_TIMEOUT" "$MM" --dsn "dbname=$db user=$role" --provider "$PROVIDER" "$@" \
    >"$WORK/mm.out" 2>"$WORK/mm.err"
  rc=$?
}
# rows DB: the version-table rows, sorted and comma-separated; "(empty)" or "(no table)".
rows() {
  psql -X -At -d "$1" -c "SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '(empty)') FROM public.$VT" \
    2>/dev/null || echo "(no table)"
}
sqlv() { psql -X -At -v ON_ERROR_STOP=1 -d "$@"; }
# schema_dump DB: public, without the version table, owners or privileges.
schema_dump() {
  pg_dump --schema-only --no-owner --no-privileges -n public -T "public.$VT" "$1" 2>&1 |
    grep -v -e '^--' -e '^$' -e '^SET ' -e '^SELECT pg_catalog.set_config' -e '^\\restrict ' -e '^\\unrestrict '
}
last_error() { grep -v -e '^INFO ' -e '^ *$' "$1" | tail -n 3 | tr '\n' ' ' | sed 's/  */ /g'; }
json_heads() { "$PY" -c 'import json,sys; print(",".join(sorted(json.load(sys.stdin)["heads"])) or "(empty)")' <"$WORK/mm.out"; }
json_steps() { "$PY" -c 'import json,sys; print(",".join(s["revision"] for s in json.load(sys.stdin)["steps"]))' <"$WORK/mm.out"; }
no_tables_left() { [ "$(sqlv "$1" -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'ia\_%' AND relkind IN ('r', 'v')")" = 0 ]; }

# same DESCRIPTION ARGS...: the same command in both tools (Alembic on $AL_DB
# as OWNER, metamigrate on $MM_DB as DEPLOYER); both succeed or both refuse,
# with the same rows afterwards.
same() {
  local what="$1" a_rc m_rc a_rows m_rows
  shift
  al "$AL_DB" "$OWNER" "$@"; a_rc=$rc; a_rows="$(rows "$AL_DB")"
  mm "$MM_DB" "$DEPLOYER" "$@"; m_rc=$rc; m_rows="$(rows "$MM_DB")"
  local a_ok=yes m_ok=yes
  [ "$a_rc" -eq 0 ] || a_ok=no
  [ "$m_rc" -eq 0 ] || m_ok=no
  if [ "$a_ok" = "$m_ok" ] && [ "$a_rows" = "$m_rows" ]; then
    if [ "$a_ok" = yes ]; then pass "$what: '$*' -> $a_rows in both"
    else pass "$what: '$*' refused by both, rows stay $a_rows"; fi
  else
    local a_desc="exit $a_rc, rows $a_rows" m_desc="exit $m_rc, rows $m_rows"
    [ "$a_ok" = no ] && a_desc="$a_desc ($(last_error "$WORK/al.err"))"
    [ "$m_ok" = no ] && m_desc="$m_desc ($(last_error "$WORK/mm.err"))"
    fail "$what: '$*': alembic $a_desc; metamigrate $m_desc"
    grep -h 'Running' "$WORK/al.err" | sed 's/^.*Running /#   alembic ran: /'
    grep -hE '^  (upgrade|downgrade) ' "$WORK/mm.out" | sed 's/^  /#   metamigrate ran: /'
  fi
}
# fresh_pair NAME: new databases for a scenario ($AL_DB without, $MM_DB with the extension).
fresh_pair() {
  AL_DB="mmia_${1}_al_$sfx"
  MM_DB="mmia_${1}_mm_$sfx"
  new_db "$AL_DB" && new_db "$MM_DB" extension || abort "cannot create databases for scenario $1"
}

# ================================================================ 1. the two projects
echo "# 1. the Alembic project and the provider directory describe the same revisions"
"$PY" "$here/compare_projects.py" "$ALEMBIC_DIR" "$MM" "$PROVIDER" >"$WORK/compare.out" 2>&1
cat "$WORK/compare.out"
passed=$((passed + $(grep -c '^ok - ' "$WORK/compare.out")))
failed=$((failed + $(grep -c '^not ok - ' "$WORK/compare.out")))
if ! grep -q '^ok - ' "$WORK/compare.out"; then fail "compare_projects.py ran no check"; fi

al "postgres" "$OWNER" heads
a_heads="$(awk '{print $1}' "$WORK/al.out" | sort | paste -sd,)"
"$MM" --provider "$PROVIDER" heads >"$WORK/mm.out" 2>"$WORK/mm.err"
m_heads="$(awk '{print $1}' "$WORK/mm.out" | sort | paste -sd,)"
if [ -n "$a_heads" ] && [ "$a_heads" = "$m_heads" ]; then pass "same heads: $a_heads"
else fail "heads differ: alembic '$a_heads', metamigrate '$m_heads'"; fi
al "postgres" "$OWNER" branches
a_bp="$(grep -E '^[^ ].*\(branchpoint\)' "$WORK/al.out" | awk '{print $1}' | sort | paste -sd,)"
"$MM" --provider "$PROVIDER" --json branches >"$WORK/mm.out" 2>"$WORK/mm.err"
m_bp="$("$PY" -c 'import json,sys; print(",".join(sorted(b["revision"] for b in json.load(sys.stdin)["branch_points"])))' <"$WORK/mm.out")"
if [ -n "$a_bp" ] && [ "$a_bp" = "$m_bp" ]; then pass "same branch points: $a_bp"
else fail "branch points differ: alembic '$a_bp', metamigrate '$m_bp'"; fi

# ================================================================ 2. same target sequence
echo "# 2. the same target sequence in both tools (branch point, two branches, depends_on, merge)"
fresh_pair seq
same "linear upgrade" upgrade r2
same "branch b starts at the branch point" upgrade b1
same "depends_on: a1 is applied first and collapses into b2" upgrade b2
same "branch a grows under a dependency (new row)" upgrade a2
same "upgrade heads: the merge collapses both rows" upgrade heads
if diff <(schema_dump "$AL_DB") <(schema_dump "$MM_DB") >"$WORK/schema.diff"; then
  pass "same schema in both databases at head (pg_dump of public)"
else
  fail "schemas differ at head:"; sed 's/^/#   /' "$WORK/schema.diff" | head -20
fi
schema_dump "$AL_DB" >"$WORK/reference_head.sql"
vt_structure() {
  sqlv "$1" -c "SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, ', ' ORDER BY a.attnum)
                         || ' | ' || (SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ', ') FROM pg_constraint WHERE conrelid = 'public.$VT'::regclass)
                  FROM pg_attribute a WHERE a.attrelid = 'public.$VT'::regclass AND a.attnum > 0 AND NOT a.attisdropped"
}
a_vt="$(vt_structure "$AL_DB")"; m_vt="$(vt_structure "$MM_DB")"
if [ -n "$a_vt" ] && [ "$a_vt" = "$m_vt" ]; then pass "the version table each tool creates has the same structure: $a_vt"
else fail "version tables differ: alembic '$a_vt', metamigrate '$m_vt'"; fi
same "one step down" downgrade -1
same "un-merge by naming a parent of the merge" downgrade a2
same "one branch back (REV-N)" downgrade b2-1
same "forward on one branch (REV+N)" upgrade b1+1
same "ambiguous relative upgrade from two heads is refused" upgrade +1
same "downgrade to the branch point removes both branches" downgrade r2
same "downgrade base" downgrade base
if no_tables_left "$MM_DB" && no_tables_left "$AL_DB"; then pass "downgrade base left no table in either database"
else fail "tables left after downgrade base"; fi

echo "# 3. relative targets and branch labels (labels are inherited by descendants, through the merge)"
fresh_pair labels
same "relative upgrade from base" upgrade +2
same "relative upgrade at a branch point is refused" upgrade +1
same "branch_a@head is r3 (the merge inherits both labels)" upgrade branch_a@head
same "back to both branch heads" downgrade a2
same "back to base" downgrade base

echo "# 4. stamp (no SQL runs)"
fresh_pair stamp
same "stamp a revision on a fresh database" stamp a2
same "stamp a second branch adds a row" stamp b1
same "stamp heads" stamp heads
same "stamp down to the merge" stamp m1
same "stamp an ancestor of the current head" stamp b2
same "stamp --purge replaces the rows" stamp --purge r1
same "stamp base" stamp base
if no_tables_left "$MM_DB" && no_tables_left "$AL_DB"; then pass "stamping created no table"
else fail "stamping created tables"; fi

echo "# 5. targets where the tools have been seen to differ (each on fresh databases)"
fresh_pair dep
same "setup" upgrade a2
same "setup" upgrade b2
same "downgrade to a dependency (b2 depends_on a1) keeps the dependent" downgrade a1
fresh_pair lbase
same "setup" upgrade a1
same "setup" upgrade b1
same "label@base of a branch that starts at a branch point" downgrade branch_a@base
fresh_pair merge1
same "setup" upgrade heads
same "setup" downgrade -1
same "downgrade -1 at a merge" downgrade -1
# Known difference (docs/alembic.md): with two heads Alembic 1.8 walks one
# of them down (which one depends on the order of the rows); metamigrate
# refuses and names the heads. Only metamigrate's side is checked.
fresh_pair twoheads
same "setup" upgrade a1
same "setup" upgrade b1
mm "$MM_DB" "$DEPLOYER" downgrade -1
if [ "$rc" -ne 0 ] && grep -q 'MM001' "$WORK/mm.err" && [ "$(rows "$MM_DB")" = "a1,b1" ]; then
  pass "known difference: metamigrate refuses 'downgrade -1' with two heads (MM001), rows stay a1,b1"
else
  fail "metamigrate 'downgrade -1' with two heads: exit $rc, rows $(rows "$MM_DB")"
fi
al "$AL_DB" "$OWNER" downgrade -1
echo "#   (alembic: exit $rc, rows $(rows "$AL_DB"); $(grep -h 'Running' "$WORK/al.err" | sed 's/^.*Running //' | paste -sd';'))"

# ================================================================ 6. cross-over
echo "# 6. a database upgraded by Alembic, continued by metamigrate, and back"
X="mmia_cross_$sfx"
new_db "$X" extension || abort "cannot create $X"
al "$X" "$OWNER" upgrade a2
if [ "$rc" -eq 0 ] && [ "$(rows "$X")" = a2 ]; then pass "alembic upgrade a2 (as the owner role)"
else fail "alembic upgrade a2: exit $rc, rows $(rows "$X"): $(last_error "$WORK/al.err")"; fi
mm "$X" "$DEPLOYER" --json current
if [ "$rc" -eq 0 ] && [ "$(json_heads)" = a2 ]; then pass "metamigrate current reads Alembic's version table: a2"
else fail "metamigrate current: exit $rc, heads '$(json_heads 2>/dev/null)': $(last_error "$WORK/mm.err")"; fi
mm "$X" "$DEPLOYER" --json upgrade head
steps="$(json_steps 2>/dev/null)"
if [ "$rc" -eq 0 ] && [ "$(echo "$steps" | tr ',' '\n' | sort | paste -sd,)" = "b1,b2,m1,r3" ]; then
  pass "metamigrate upgrade head runs only the missing revisions: $steps"
else
  fail "metamigrate upgrade head: exit $rc, steps '$steps': $(last_error "$WORK/mm.err")"
fi
[ "$(rows "$X")" = r3 ] && pass "version table after metamigrate: r3" || fail "version table after metamigrate: $(rows "$X")"
hist="$(sqlv "$X" -c "SELECT string_agg(revision || ':' || direction, ',' ORDER BY revision) FROM metamigrate.history WHERE provider = 'interop:interop'")"
[ "$hist" = "b1:upgrade,b2:upgrade,m1:upgrade,r3:upgrade" ] && pass "metamigrate.history holds only the revisions metamigrate ran" ||
  fail "metamigrate.history: $hist"
if diff "$WORK/reference_head.sql" <(schema_dump "$X") >"$WORK/schema.diff"; then pass "schema equals the all-Alembic database at head"
else fail "schema differs from the all-Alembic database:"; sed 's/^/#   /' "$WORK/schema.diff" | head -20; fi
al "$X" "$OWNER" current
if [ "$rc" -eq 0 ] && grep -qx 'r3 (head)' "$WORK/al.out"; then pass "alembic current after metamigrate: r3 (head)"
else fail "alembic current: exit $rc, '$(cat "$WORK/al.out")': $(last_error "$WORK/al.err")"; fi
al "$X" "$OWNER" downgrade r3-1
[ "$rc" -eq 0 ] && [ "$(rows "$X")" = m1 ] && pass "alembic downgrade r3-1 after metamigrate: m1" ||
  fail "alembic downgrade r3-1: exit $rc, rows $(rows "$X"): $(last_error "$WORK/al.err")"
al "$X" "$OWNER" downgrade a2
[ "$rc" -eq 0 ] && [ "$(rows "$X")" = a2,b2 ] && pass "alembic un-merges what metamigrate merged: a2,b2" ||
  fail "alembic downgrade a2: exit $rc, rows $(rows "$X"): $(last_error "$WORK/al.err")"
mm "$X" "$DEPLOYER" --json current
[ "$rc" -eq 0 ] && [ "$(json_heads)" = a2,b2 ] && pass "metamigrate current sees Alembic's two heads: a2,b2" ||
  fail "metamigrate current: exit $rc, heads '$(json_heads 2>/dev/null)'"
mm "$X" "$DEPLOYER" --json upgrade head
steps="$(json_steps 2>/dev/null)"
[ "$rc" -eq 0 ] && [ "$steps" = "m1,r3" ] && [ "$(rows "$X")" = r3 ] && pass "metamigrate merges again: m1,r3 -> r3" ||
  fail "metamigrate upgrade head from a2,b2: exit $rc, steps '$steps', rows $(rows "$X"): $(last_error "$WORK/mm.err")"
al "$X" "$OWNER" downgrade base
[ "$rc" -eq 0 ] && [ "$(rows "$X")" = "(empty)" ] && no_tables_left "$X" &&
  pass "alembic downgrade base undoes revisions metamigrate applied; no table left" ||
  fail "alembic downgrade base: exit $rc, rows $(rows "$X"): $(last_error "$WORK/al.err")"
mm "$X" "$DEPLOYER" --json current
[ "$rc" -eq 0 ] && [ "$(json_heads)" = "(empty)" ] && pass "metamigrate current after alembic downgrade base: (empty)" ||
  fail "metamigrate current: exit $rc, heads '$(json_heads 2>/dev/null)'"

# ================================================================ 7. ownership
echo "# 7. a version table created by Alembic under another role: refused until handed to the owner role"
O="mmia_owner_case_$sfx"
new_db "$O" extension || abort "cannot create $O"
sqlv "$O" -q -c "GRANT USAGE, CREATE ON SCHEMA public TO \"$LEGACY\"" >/dev/null
al "$O" "$LEGACY" upgrade r2
[ "$rc" -eq 0 ] && [ "$(rows "$O")" = r2 ] && pass "alembic upgrade r2 as $LEGACY" ||
  fail "alembic upgrade r2 as $LEGACY: exit $rc: $(last_error "$WORK/al.err")"
vt_owner() { sqlv "$O" -c "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = '$VT'"; }
[ "$(vt_owner)" = "$LEGACY" ] && pass "the version table is owned by $LEGACY" || fail "version table owner $(vt_owner)"
# What the DBA does for the application tables: hand them to the
# provider's owner role, which runs the revisions.
sqlv "$O" -q -c "ALTER TABLE public.ia_account OWNER TO \"$OWNER\"" -c "ALTER TABLE public.ia_order OWNER TO \"$OWNER\"" >/dev/null
# metamigrate touches a version table only as the owner role, and only one
# that role owns: it refuses, naming the statement that hands it over.
mm "$O" "$DEPLOYER" --json current
[ "$rc" -eq 1 ] && grep -qF "ALTER TABLE public.$VT OWNER TO $OWNER" "$WORK/mm.err" && [ "$(rows "$O")" = r2 ] &&
  [ "$(vt_owner)" = "$LEGACY" ] &&
  pass "metamigrate refuses $LEGACY's version table, printing the ALTER TABLE ... OWNER TO; nothing changed" ||
  fail "metamigrate current on $LEGACY's version table: exit $rc, rows $(rows "$O"): $(last_error "$WORK/mm.err")"
# The DBA hands it over and lets the legacy Alembic role keep writing it.
sqlv "$O" -q -c "ALTER TABLE public.$VT OWNER TO \"$OWNER\"" \
  -c "GRANT SELECT, INSERT, UPDATE, DELETE ON public.$VT TO \"$LEGACY\"" >/dev/null
mm "$O" "$DEPLOYER" --json current
[ "$rc" -eq 0 ] && [ "$(json_heads)" = r2 ] && pass "metamigrate current (as $DEPLOYER): r2" ||
  fail "metamigrate current as $DEPLOYER: exit $rc, heads '$(json_heads 2>/dev/null)': $(last_error "$WORK/mm.err")"
mm "$O" "$DEPLOYER" --json upgrade head
steps="$(json_steps 2>/dev/null)"
[ "$rc" -eq 0 ] && [ "$(rows "$O")" = r3 ] &&
  pass "metamigrate upgrade head (as $DEPLOYER) continues Alembic's history: $steps -> r3" ||
  fail "metamigrate upgrade head as $DEPLOYER: exit $rc, rows $(rows "$O"): $(last_error "$WORK/mm.err")"
al "$O" "$LEGACY" current
[ "$rc" -eq 0 ] && grep -qx 'r3 (head)' "$WORK/al.out" && pass "alembic current as $LEGACY: r3 (head)" ||
  fail "alembic current as $LEGACY: exit $rc, '$(cat "$WORK/al.out")'"
mm "$O" "$DEPLOYER" downgrade r2
[ "$rc" -eq 0 ] && [ "$(rows "$O")" = r2 ] && pass "metamigrate downgrade r2 (as $DEPLOYER): r2" ||
  fail "metamigrate downgrade r2 as $DEPLOYER: exit $rc, rows $(rows "$O"): $(last_error "$WORK/mm.err")"
al "$O" "$LEGACY" stamp r1
[ "$rc" -eq 0 ] && [ "$(rows "$O")" = r1 ] && pass "$LEGACY's Alembic still writes the table after metamigrate: stamp r1" ||
  fail "alembic stamp r1 as $LEGACY: exit $rc, rows $(rows "$O"): $(last_error "$WORK/al.err")"

finish
