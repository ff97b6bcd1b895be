# Sourced by run.sh (uses its helpers and counters): `import --from TOOL`
# for every importer, each on a fixture in the tool's native layout
# (import-fixtures/<tool>/). The oracle is the source itself: its up
# scripts applied in the tool's order with psql (Alembic: the real
# `alembic upgrade` online), and history tables written as the tool does.

echo "== import"
FIX="$here/import-fixtures"
IOWNER="mmct_imp_owner_$suffix"   # LOGIN: the Alembic oracle connects as it
EXTRA_ROLES+=("$IOWNER")
sql -d postgres -c "CREATE ROLE \"$IOWNER\" LOGIN" >/dev/null
export PYTHONDONTWRITEBYTECODE=1   # Alembic must not write into the fixture

# imp_db NAME SETUP_SQL: a database with the provider's one-time setup.
imp_db() {
  EXTRA_DBS+=("$1")
  createdb "$1" && sql -d "$1" -f "$2" >/dev/null && sql -d "$1" -c "GRANT CREATE ON DATABASE \"$1\" TO \"$IOWNER\""
}
# The schema a database holds, without metamigrate's and the tools' own tables.
# (\restrict lines carry a random key per pg_dump run.)
schema_of() {
  pg_dump --schema-only --no-owner --no-privileges -d "$1" -N metamigrate -N sqitch -T 'public.*_alembic_version' \
    -T public.alembic_version -T public.schema_migrations -T public.flyway_schema_history \
    -T public.__diesel_schema_migrations | grep -v -e '^--' -e '^$' -e '^\\restrict ' -e '^\\unrestrict '
}
# psql_as_owner DB FILE: runs a script the way the tool would, as the application's role.
psql_as_owner() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "SET ROLE \"$IOWNER\"" -f "$2" >/dev/null; }

# source_ups TOOL SRC: the up scripts in the order the tool applies them
# (dbmate: the up block of each file, extracted to $WORK).
source_ups() {
  local f v
  case "$1" in
    dbmate)
      for f in $(ls "$2"/*.sql | sort); do
        awk '/^-- migrate:up/ {up = 1; next} /^-- migrate:down/ {up = 0} up' "$f" >"$WORK/up_$(basename "$f")"
        echo "$WORK/up_$(basename "$f")"
      done ;;
    golang-migrate) ls "$2"/*.up.sql | sort ;;
    diesel) for f in $(ls -d "$2"/*/ | sort); do echo "${f}up.sql"; done ;;
    flyway)
      for f in $(find "$2" -name 'V*__*.sql'); do
        v="$(basename "$f" | sed -E 's/^V([0-9._]+)__.*/\1/' | tr _ .)"
        echo "$v $f"
      done | sort -V | cut -d' ' -f2 ;;
    sqitch) awk '/^[A-Za-z]/ {print $1}' "$2/sqitch.plan" | sed "s|.*|$2/deploy/&.sql|" ;;
  esac
}
# source_versions TOOL SRC: the versions the tool records, in order.
source_versions() {
  local f
  case "$1" in
    dbmate) for f in $(ls "$2"/*.sql | sort); do basename "$f" | sed -E 's/^([0-9]+)_.*/\1/'; done ;;
    golang-migrate) for f in $(ls "$2"/*.up.sql | sort); do basename "$f" | sed -E 's/^0*([0-9]+)_.*/\1/'; done ;;
    diesel) for f in $(ls -d "$2"/*/ | sort); do basename "$f" | sed -E 's/^([0-9-]+)_.*/\1/' | tr -d -; done ;;
    flyway) for f in $(source_ups flyway "$2"); do basename "$f" | sed -E 's/^V([0-9._]+)__.*/\1/' | tr _ .; done ;;
    sqitch) awk '/^[A-Za-z]/ {print $1}' "$2/sqitch.plan" ;;
  esac
}
# write_history TOOL SRC DB K: the tool's history table recording its first K migrations.
write_history() {
  local tool="$1" src="$2" db="$3" k="$4" v rank=0
  case "$tool" in
    dbmate) sql -d "$db" -c "CREATE TABLE IF NOT EXISTS public.schema_migrations (version varchar(128) PRIMARY KEY)" ;;
    golang-migrate) sql -d "$db" -c "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)" ;;
    diesel) sql -d "$db" -c "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)" ;;
    flyway) sql -d "$db" -c 'CREATE TABLE "public"."flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL, CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank"))' ;;
    sqitch) sql -d "$db" >/dev/null <<'SQL'
CREATE SCHEMA sqitch;
CREATE TABLE sqitch.projects (project TEXT PRIMARY KEY, uri TEXT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), creator_name TEXT NOT NULL, creator_email TEXT NOT NULL);
CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, script_hash));
CREATE TABLE sqitch.events (event TEXT NOT NULL CHECK (event IN ('deploy', 'revert', 'fail', 'merge')), change_id TEXT NOT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '', requires TEXT[] NOT NULL DEFAULT '{}', conflicts TEXT[] NOT NULL DEFAULT '{}', tags TEXT[] NOT NULL DEFAULT '{}', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, PRIMARY KEY (change_id, committed_at));
INSERT INTO sqitch.projects VALUES ('blog', 'https://example.com/blog/', now(), 'Marge', 'marge@example.com');
SQL
    ;;
  esac
  for v in $(source_versions "$tool" "$src" | head -n "$k"); do
    rank=$((rank + 1))
    case "$tool" in
      dbmate|diesel) sql -d "$db" -c "INSERT INTO $( [ "$tool" = dbmate ] && echo schema_migrations || echo __diesel_schema_migrations) (version) VALUES ('$v')" ;;
      golang-migrate) sql -d "$db" -c "DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES ($v, false)" ;;
      flyway) sql -d "$db" -c "INSERT INTO flyway_schema_history VALUES ($rank, '$v', 'migration $v', 'SQL', 'V${v}__x.sql', 0, 'app', now(), 5, true)" ;;
      sqitch) sql -d "$db" -c "INSERT INTO sqitch.changes VALUES (md5('$v'), md5('$v'), '$v', 'blog', '', clock_timestamp(), 'Marge', 'm@x', now(), 'Marge', 'm@x');
        INSERT INTO sqitch.events (event, change_id, change, project, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES ('deploy', md5('$v'), '$v', 'blog', 'Marge', 'm@x', now(), 'Marge', 'm@x')" ;;
    esac
  done >/dev/null
}

alembic_url() { echo "postgresql+psycopg2://$IOWNER@/$1?host=$PGHOST&port=${PGPORT:-5432}"; }
# alembic_oracle DB TARGET: the real Alembic, online, with the fixture's own env.py.
alembic_oracle() {
  IMPORT_ALEMBIC_URL="$(alembic_url "$1")" alembic -c "$FIX/alembic/alembic.ini" upgrade "$2" >"$WORK/alembic.log" 2>&1
}

# import_case TOOL SRC: import, upgrade, compare, downgrade base, upgrade
# again, and --adopt on a database where the tool applied part of it.
import_case() {
  local tool="$1" src="$2" name="${1//-/_}" n applied=2
  local p="$WORK/imp/$name" db="mmct_imp_${name}_$suffix" ref="mmct_imp_${name}_ref_$suffix"
  local empty="mmct_imp_${name}_empty_$suffix" adb="mmct_imp_${name}_adopt_$suffix"
  run scaffold --package "imp_$name" --namespace main --owner-role "$IOWNER" --dir "$p"
  cp "$WORK/out" "$WORK/imp_setup_$name.sql"
  for d in "$db" "$ref" "$empty" "$adb"; do imp_db "$d" "$WORK/imp_setup_$name.sql"; done
  im() { run --provider "$p" "$@"; }

  im import --from "$tool" "$src"
  check "$tool: import (exit $rc)" test "$rc" -eq 0
  if [ "$tool" = alembic ]; then
    n="$(grep -l '^revision' "$src"/versions/*.py | wc -l)"
    alembic_oracle "$ref" heads || fail "$tool: alembic upgrade heads (the oracle): $(tail -3 "$WORK/alembic.log")"
  else
    n="$(source_ups "$tool" "$src" | wc -l)"
    for f in $(source_ups "$tool" "$src"); do psql_as_owner "$ref" "$f" || fail "$tool: psql $f"; done
  fi
  check "$tool: the oracle built a schema to compare with" grep -q 'CREATE TABLE' <<<"$(schema_of "$ref")"
  check_eq "$tool: one revision file per source migration" "$(ls "$p/versions/main/" | wc -l)" "$n"
  check "$tool: a missing down migration is named on stderr" err_has "no down migration"
  check "$tool: and is a warning comment in the downgrade section" \
    bash -c "grep -l -- '^-- WARNING: .* has no down migration' '$p'/versions/main/*.sql | grep -q ."
  [ "$tool" != alembic ] && check "$tool: parents chained in source order" \
    test "$(grep -h '^-- down_revision:$' "$p"/versions/main/*.sql | wc -l)" -eq 1
  run --provider "$p" --dsn "dbname=$db" upgrade
  check "$tool: upgrade to head (exit $rc)" test "$rc" -eq 0
  check "$tool: it applied every revision" out_has "($n revisions"
  check_eq "$tool: schema equals the source applied by $( [ "$tool" = alembic ] && echo Alembic || echo psql)" \
    "$(schema_of "$db")" "$(schema_of "$ref")"
  run --provider "$p" --dsn "dbname=$db" downgrade base
  check "$tool: downgrade base (exit $rc)" test "$rc" -eq 0
  check_eq "$tool: nothing left after downgrade base" "$(schema_of "$db")" "$(schema_of "$empty")"
  run --provider "$p" --dsn "dbname=$db" upgrade
  check "$tool: upgrade again (exit $rc)" test "$rc" -eq 0
  check_eq "$tool: same schema the second time" "$(schema_of "$db")" "$(schema_of "$ref")"

  # --adopt: the tool applied its first $applied migrations and recorded them.
  if [ "$tool" = alembic ]; then
    alembic_oracle "$adb" a2 || fail "$tool: alembic upgrade a2: $(tail -3 "$WORK/alembic.log")"
  else
    for f in $(source_ups "$tool" "$src" | head -n "$applied"); do psql_as_owner "$adb" "$f"; done
    write_history "$tool" "$src" "$adb" "$applied"
  fi
  im --dsn "dbname=$adb" import --from "$tool" "$src" --adopt
  check "$tool: import --adopt with the files already imported (exit $rc)" test "$rc" -eq 0
  check "$tool: identical revisions are kept, none written" out_has "0 written, $n already there"
  check "$tool: version table stamped" out_has "version table stamped to"
  run --provider "$p" --dsn "dbname=$adb" upgrade
  check "$tool: upgrade after adopt (exit $rc)" test "$rc" -eq 0
  check "$tool: it runs only the rest" out_has "($((n - applied)) revisions"
  check_eq "$tool: adopted database ends with the same schema" "$(schema_of "$adb")" "$(schema_of "$ref")"
}

import_case dbmate "$FIX/dbmate/db/migrations"
import_case golang-migrate "$FIX/golang-migrate/migrations"
import_case diesel "$FIX/diesel/migrations"
import_case flyway "$FIX/flyway/db/migration"
import_case sqitch "$FIX/sqitch"
if command -v alembic >/dev/null && /usr/bin/python3 -c 'import alembic, psycopg2' 2>/dev/null; then
  import_case alembic "$FIX/alembic"
  # Two heads (Alembic upgraded each branch separately): both are stamped.
  adb2="mmct_imp_alembic_heads_$suffix"
  imp_db "$adb2" "$WORK/imp_setup_alembic.sql"
  alembic_oracle "$adb2" a2 && alembic_oracle "$adb2" b1 || fail "alembic upgrade a2, b1: $(tail -3 "$WORK/alembic.log")"
  run --provider "$WORK/imp/alembic" --dsn "dbname=$adb2" import --from alembic "$FIX/alembic" --adopt
  check "alembic: a history with two heads is adopted (exit $rc)" test "$rc" -eq 0
  heads_sql="SELECT string_agg(version_num, ',' ORDER BY version_num)"
  check_eq "alembic: the version table holds the same heads as alembic_version" \
    "$(sql -d "$adb2" -c "$heads_sql FROM imp_alembic_alembic_version")" "$(sql -d "$adb2" -c "$heads_sql FROM alembic_version")"
  run --provider "$WORK/imp/alembic" --dsn "dbname=$adb2" upgrade
  check "alembic: upgrade after adopting two heads runs only the merge and what follows" out_has "a2, b1 -> a3 (2 revisions"
else
  fail "alembic import: alembic and psycopg2 are needed for this test (apt-get install python3-alembic python3-psycopg2)"
fi

echo "== import: refusals"
IP="$WORK/imp/golang_migrate"
ip() { run --provider "$IP" "$@"; }
files_before="$(ls "$IP/versions/main" | wc -l)"
ip import --from liquibase "$FIX/dbmate"
check "unknown tool is exit 2 (exit $rc)" test "$rc" -eq 2
check "and lists the known tools" err_has "unknown tool \"liquibase\" for --from (known: alembic, dbmate, diesel, flyway, golang-migrate, sqitch)"
ip import --from dbmate "$WORK/no/such/dir"
check "missing source directory is exit 2 (exit $rc)" test "$rc" -eq 2
check "and names it" err_has "$WORK/no/such/dir: no such directory"
ip import "$FIX/dbmate"
check "--from is required (exit $rc)" test "$rc" -eq 2
mkdir -p "$WORK/imp_clash"
printf 'SELECT 1;\n' >"$WORK/imp_clash/1_a.up.sql"
printf 'SELECT 2;\n' >"$WORK/imp_clash/01_b.up.sql"
ip import --from golang-migrate "$WORK/imp_clash"
check "clashing versions are exit 2 (exit $rc)" test "$rc" -eq 2
check "naming both files" bash -c "grep -q '1_a.up.sql' '$WORK/err' && grep -q '01_b.up.sql' '$WORK/err'"
mkdir -p "$WORK/imp_flyway_r" && cp -r "$FIX/flyway/db/migration/." "$WORK/imp_flyway_r/"
printf 'CREATE OR REPLACE VIEW v AS SELECT 1;\n' >"$WORK/imp_flyway_r/R__views.sql"
ip import --from flyway "$WORK/imp_flyway_r"
check "repeatable Flyway scripts are refused (exit $rc)" test "$rc" -eq 2
check "with a clear message" err_has "R__views.sql: repeatable Flyway migrations (R__) are not supported"
check_eq "refusals wrote nothing" "$(ls "$IP/versions/main" | wc -l)" "$files_before"
target="$(ls "$IP"/versions/main/000002_*.sql)"
cp "$target" "$WORK/imp_saved.sql"
sed -i 's/CREATE INDEX posts_author_idx/CREATE INDEX posts_author_idx2/' "$target"
ip import --from golang-migrate "$FIX/golang-migrate/migrations"
check "an existing, different revision is not overwritten (exit $rc)" test "$rc" -eq 2
check "the refusal names the file" err_has "$target:"
check "and says so" err_has "refusing to overwrite"
check "the file is unchanged" grep -q posts_author_idx2 "$target"
cp "$WORK/imp_saved.sql" "$target"
ip import --from golang-migrate "$FIX/golang-migrate/migrations"
check "importing the same source again changes nothing (exit $rc)" out_has "0 written, 4 already there"
PATH=/nonexistent "$MM" --provider "$WORK/imp/alembic" import --from alembic "$FIX/alembic" >"$WORK/out" 2>"$WORK/err"
rc=$?
check "alembic import without Alembic on PATH is exit 2 (exit $rc)" test "$rc" -eq 2
check "with a clear message" err_has "needs the \`alembic\` command on PATH"

# Histories that must not be adopted: nothing is stamped.
adopt_refused() {  # DESCRIPTION TOOL SRC SETUP_SQL MESSAGE
  local db="mmct_imp_refuse_${#EXTRA_DBS[@]}_$suffix" p="$WORK/imp/${2//-/_}"
  imp_db "$db" "$WORK/imp_setup_${2//-/_}.sql"
  write_history "$2" "$3" "$db" 1
  sql -d "$db" -c "$4" >/dev/null
  run --provider "$p" --dsn "dbname=$db" import --from "$2" "$3" --adopt
  check "$1 is refused (exit $rc)" test "$rc" -eq 1
  check "$1: the reason is given" err_has "$5"
  check "$1: nothing stamped" test "$(sql -d "$db" -c "SELECT count(*) FROM metamigrate.current('imp_${2//-/_}:main')" 2>/dev/null || echo 0)" = 0
}
adopt_refused "dirty golang-migrate history" golang-migrate "$FIX/golang-migrate/migrations" \
  "UPDATE schema_migrations SET dirty = true" "is dirty at version 1"
adopt_refused "failed Flyway migration" flyway "$FIX/flyway/db/migration" \
  "INSERT INTO flyway_schema_history VALUES (2, '1.1', 'x', 'SQL', 'V1_1__create_posts.sql', 0, 'app', now(), 5, false)" \
  "records a failed migration (version 1.1)"
adopt_refused "a dbmate version not in the import" dbmate "$FIX/dbmate/db/migrations" \
  "INSERT INTO schema_migrations VALUES ('20991231000000')" "records version 20991231000000"
adopt_refused "a gap in the diesel history" diesel "$FIX/diesel/migrations" \
  "INSERT INTO __diesel_schema_migrations (version) VALUES ('20240102100000')" "which comes before it"
adopt_refused "a failed sqitch deploy" sqitch "$FIX/sqitch" \
  "INSERT INTO sqitch.events (event, change_id, change, project, committer_name, committer_email, planned_at, planner_name, planner_email, committed_at) VALUES ('fail', 'x', 'users', 'blog', 'M', 'm', now(), 'M', 'm', now() + interval '1 hour')" \
  "the last sqitch deploy of project blog failed"
adopt_refused "golang-migrate's table adopted as dbmate's" dbmate "$FIX/dbmate/db/migrations" \
  "ALTER TABLE schema_migrations ADD COLUMN dirty boolean NOT NULL DEFAULT false" "that is golang-migrate's shape"

# Empty migrations (golang-migrate's empty *.up.sql, diesel's no-op ups):
# the tools apply and record them, so the import keeps them as no-op
# revisions that apply and record their version.
echo "== import: empty migrations"
em="$WORK/imp_empty_src"
mkdir -p "$em"
printf 'CREATE TABLE imp_empty_t (id int);\n' >"$em/000001_create.up.sql"
printf 'DROP TABLE imp_empty_t;\n' >"$em/000001_create.down.sql"
: >"$em/000002_noop.up.sql"
printf '\n\n' >"$em/000002_noop.down.sql"
printf 'ALTER TABLE imp_empty_t ADD COLUMN x int;\n' >"$em/000003_add.up.sql"
ep="$WORK/imp/empty"
edb="mmct_imp_empty_$suffix"
run scaffold --package imp_empty --namespace main --owner-role "$IOWNER" --dir "$ep"
cp "$WORK/out" "$WORK/imp_setup_empty.sql"
imp_db "$edb" "$WORK/imp_setup_empty.sql"
run --provider "$ep" import --from golang-migrate "$em"
check "an empty up migration is imported (exit $rc)" test "$rc" -eq 0
check "and named on stderr" err_has "000002_noop.up.sql: empty"
check_eq "one revision file per migration, the empty one too" "$(ls "$ep/versions/main/" | wc -l)" 3
run --provider "$ep" --dsn "dbname=$edb" upgrade
check "the history with an empty migration upgrades (exit $rc)" test "$rc" -eq 0
check "all three applied" out_has "(3 revisions"
check_eq "the last one is recorded" "$(sql -d "$edb" -c 'SELECT version_num FROM imp_empty_alembic_version')" \
  "$(grep -h '^-- revision:' "$ep"/versions/main/*000003*.sql | sed 's/^-- revision: //')"
check "lint of imported revisions is one summary line" \
  bash -c "grep -h 'lint: ' '$WORK/out' '$WORK/err' | grep -q 'finding(s) in 1 imported revision(s) not shown (they ran under golang-migrate before'"
check "and not a line per finding" bash -c "! grep -h 'lint: ' '$WORK/out' '$WORK/err' | grep -q 'missing-lock-timeout'"
run --provider "$ep" --dsn "dbname=$edb" downgrade base
check "and downgrades through it (exit $rc)" test "$rc" -eq 0
run --provider "$ep" --dsn "dbname=$edb" --json upgrade
check "--json keeps every finding of imported revisions" out_has '"rule": "missing-lock-timeout"'
run --provider "$ep" --dsn "dbname=$edb" downgrade base
run --provider "$ep" --dsn "dbname=$edb" upgrade --strict-lint
check "--strict-lint stays strict for imported revisions (exit $rc)" test "$rc" -eq 1

# A data migration that reads from the database cannot be rendered
# offline: the error names the revision file and line and says why.
if command -v alembic >/dev/null && /usr/bin/python3 -c 'import alembic, psycopg2' 2>/dev/null; then
  echo "== import: an Alembic revision offline mode cannot render"
  ab="$WORK/imp_bind_src"
  rm -rf "$ab"
  cp -r "$FIX/alembic" "$ab"
  cat >"$ab/versions/c1_backfill.py" <<'EOS'
"""backfill

Revision ID: c1
Revises: m1
"""
from alembic import op
import sqlalchemy as sa

revision = 'c1'
down_revision = 'm1'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    count = conn.execute(sa.text("SELECT count(*) FROM users")).scalar()
    op.execute("UPDATE users SET email = lower(email) WHERE %d > 0" % count)


def downgrade():
    pass
EOS
  run --provider "$WORK/imp/bind" import --from alembic "$ab"
  check_eq "an unrenderable revision fails the import as bad input" "$rc" 2
  check "the error names the revision file and line" err_matches "c1_backfill\.py:17: "
  check "and says why offline rendering cannot run it" err_has "reads from the database"
  check "and what to do" err_has "Write that part as SQL"
fi
