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

# imp_db NAME SETUP_SQL: a database with the provider's one-time setup (and
# nothing else: the scaffold's SQL must be enough for the histories).
imp_db() {
  EXTRA_DBS+=("$1")
  createdb "$1" && sql -d "$1" -f "$2" >/dev/null
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
alembic_oracle() {  # DB TARGET [FIXTURE]
  IMPORT_ALEMBIC_URL="$(alembic_url "$1")" alembic -c "$FIX/${3:-alembic}/alembic.ini" upgrade "$2" >"$WORK/alembic.log" 2>&1
}

# import_case TOOL SRC: import, upgrade, compare, downgrade base, upgrade
# again, and --adopt on a database where the tool applied part of it.
import_case() {
  local tool="$1" src="$2" name="${1//-/_}" n applied=2
  local p="$WORK/imp/$name" db="mmct_imp_${name}_$suffix" ref="mmct_imp_${name}_ref_$suffix"
  local empty="mmct_imp_${name}_empty_$suffix" adb="mmct_imp_${name}_adopt_$suffix"
  run scaffold --package "imp_$name" --namespace main --owner-role "$IOWNER" --dir "$p"
  cp "$WORK/out" "$WORK/imp_setup_$name.sql"
  # Alembic and metamigrate share Alembic's version table (--adopt requires it).
  if [ "$tool" = alembic ]; then
    jq '.version_table.name = "alembic_version"' "$p/metamigrate.json" >"$WORK/manifest.json" && mv "$WORK/manifest.json" "$p/metamigrate.json"
  fi
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
  if [ "$tool" = alembic ]; then
    check "$tool: the shared version table already says it" out_has "version table already at a2; nothing to stamp"
  else
    check "$tool: version table stamped" out_has "version table stamped to"
  fi
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
# The tool migrated as a role of its own: after --adopt the owner role
# does not own the tables, and the next revision would fail with "must be
# owner". The import says so up front with the statements, and
# adopt-ownership hands them over.
echo "== import --adopt: objects another role owns"
LEGACY="mmct_imp_legacy_$suffix"
EXTRA_ROLES+=("$LEGACY")
sql -d postgres -c "CREATE ROLE \"$LEGACY\" LOGIN" >/dev/null
op="$WORK/imp/owned" odb="mmct_imp_owned_$suffix"
run scaffold --package imp_owned --namespace main --owner-role "$IOWNER" --dir "$op"
imp_db "$odb" "$WORK/out"
sql -d "$odb" -c "GRANT CREATE ON SCHEMA public TO \"$LEGACY\"" >/dev/null
for f in $(source_ups dbmate "$FIX/dbmate/db/migrations" | head -n 2); do
  psql -X -q -v ON_ERROR_STOP=1 -d "$odb" -c "SET ROLE \"$LEGACY\"" -f "$f" >/dev/null || fail "psql $f as $LEGACY"
done
write_history dbmate "$FIX/dbmate/db/migrations" "$odb" 2
run --provider "$op" --dsn "dbname=$odb" import --from dbmate "$FIX/dbmate/db/migrations" --adopt
check "adopting a history applied by another role succeeds (exit $rc)" test "$rc" -eq 0
check "it warns that objects belong to another role" err_has "belong to roles other than the owner role $IOWNER ($LEGACY: "
check "with the statements" err_has "ALTER TABLE public.posts OWNER TO $IOWNER;"
check "and the command that hands them over" err_has "'metamigrate adopt-ownership'"
run --provider "$op" --dsn "dbname=$odb" upgrade
check "without the handover the next revision fails (exit $rc)" test "$rc" -eq 1
check "as the warning said" err_has "must be owner of table posts"
run --provider "$op" --dsn "dbname=$odb" adopt-ownership --sql
check "adopt-ownership --sql prints the script (exit $rc)" test "$rc" -eq 0
check "with each statement" out_has "ALTER TABLE public.users OWNER TO $IOWNER;  -- owned by $LEGACY"
check "not the sequence a serial column owns" bash -c "! grep -q 'ALTER SEQUENCE' '$WORK/out'"
check_eq "and leaves everything as it was" \
  "$(sql -d "$odb" -c "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.posts'::regclass")" "$LEGACY"
run --provider "$op" --dsn "dbname=$odb" adopt-ownership
check "adopt-ownership hands them over (exit $rc)" test "$rc" -eq 0
check "saying how many and from whom" out_has "object(s) to $IOWNER (they belonged to $LEGACY: "
check_eq "the tables belong to the owner role now" \
  "$(sql -d "$odb" -c "SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S', 'i')")" "$IOWNER"
run --provider "$op" --dsn "dbname=$odb" upgrade
check "then the upgrade runs (exit $rc)" test "$rc" -eq 0
run --provider "$op" --dsn "dbname=$odb" adopt-ownership
check "a second adopt-ownership has nothing to do" out_has "already belongs to $IOWNER; nothing to do"

if command -v alembic >/dev/null && /usr/bin/python3 -c 'import alembic, psycopg2' 2>/dev/null; then
  import_case alembic "$FIX/alembic"
  # Two heads (Alembic upgraded each branch separately): both are stamped.
  adb2="mmct_imp_alembic_heads_$suffix"
  imp_db "$adb2" "$WORK/imp_setup_alembic.sql"
  alembic_oracle "$adb2" a2 && alembic_oracle "$adb2" b1 || fail "alembic upgrade a2, b1: $(tail -3 "$WORK/alembic.log")"
  run --provider "$WORK/imp/alembic" --dsn "dbname=$adb2" import --from alembic "$FIX/alembic" --adopt
  check "alembic: a history with two heads is adopted (exit $rc)" test "$rc" -eq 0
  run --provider "$WORK/imp/alembic" --dsn "dbname=$adb2" current
  check "alembic: metamigrate reads both heads from alembic_version" bash -c "grep -q '^a2,' '$WORK/out' && grep -q '^b1,' '$WORK/out'"
  run --provider "$WORK/imp/alembic" --dsn "dbname=$adb2" upgrade
  check "alembic: upgrade after adopting two heads runs only the merge and what follows" out_has "a2, b1 -> a3 (2 revisions"
  alembic_head="$(alembic -c "$FIX/alembic/alembic.ini" heads 2>/dev/null | awk '{print $1}')"
  check_eq "alembic: alembic_version then holds Alembic's own head" \
    "$(sql -d "$adb2" -c "SELECT string_agg(version_num, ',') FROM alembic_version")" "$alembic_head"

  # A manifest with a version table of its own: adopting would leave
  # alembic_version stale. Refused before anything is created, with the
  # manifest line to write.
  echo "== import --adopt: Alembic's version table must be the manifest's"
  sp="$WORK/imp/alembic_separate" sdb="mmct_imp_alembic_separate_$suffix"
  run scaffold --package imp_alembic_separate --namespace main --owner-role "$IOWNER" --dir "$sp"
  imp_db "$sdb" "$WORK/out"
  alembic_oracle "$sdb" a2 || fail "alembic upgrade a2: $(tail -3 "$WORK/alembic.log")"
  run --provider "$sp" --dsn "dbname=$sdb" import --from alembic "$FIX/alembic" --adopt
  check "a separate version table is refused (exit $rc)" test "$rc" -eq 1
  check "saying both tables" err_has "cannot adopt: Alembic's version table is alembic_version, but the manifest's version_table is public.imp_alembic_separate_alembic_version"
  check "and the manifest line to write" err_has "metamigrate.json:5: share Alembic's table by writing \"version_table\": {\"name\":\"alembic_version\",\"schema\":\"public\"}"
  check_eq "the second version table was not created" \
    "$(sql -d "$sdb" -c "SELECT to_regclass('public.imp_alembic_separate_alembic_version') IS NULL")" t
  check_eq "alembic_version is untouched" "$(sql -d "$sdb" -c "SELECT string_agg(version_num, ',') FROM alembic_version")" a2
  jq '.version_table.name = "alembic_version"' "$sp/metamigrate.json" >"$WORK/manifest.json" && mv "$WORK/manifest.json" "$sp/metamigrate.json"
  run --provider "$sp" --dsn "dbname=$sdb" import --from alembic "$FIX/alembic" --adopt
  check "with the manifest line written, adoption shares the table (exit $rc)" test "$rc" -eq 0
  check "it is already at Alembic's revision" out_has "version table already at a2; nothing to stamp"
  run --provider "$sp" --dsn "dbname=$sdb" upgrade
  check "upgrade continues where Alembic stopped (exit $rc)" test "$rc" -eq 0
  check_eq "and Alembic sees the result" "$(sql -d "$sdb" -c "SELECT string_agg(version_num, ',') FROM alembic_version")" "$alembic_head"
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

# Flyway with a migration deleted from the source on purpose (Flyway runs
# it with ignoreMigrationPatterns "*:missing"): refused, naming the
# escape; --ignore-missing adopts without it.
echo "== import --adopt --ignore-missing: a version deleted from the source"
mdb="mmct_imp_missing_$suffix"
imp_db "$mdb" "$WORK/imp_setup_flyway.sql"
for f in $(source_ups flyway "$FIX/flyway/db/migration" | head -n 2); do psql_as_owner "$mdb" "$f"; done
write_history flyway "$FIX/flyway/db/migration" "$mdb" 2
sql -d "$mdb" -c "INSERT INTO flyway_schema_history VALUES (3, '1.2', 'deleted later', 'SQL', 'V1_2__deleted.sql', 0, 'app', now(), 5, true)" >/dev/null
run --provider "$WORK/imp/flyway" --dsn "dbname=$mdb" import --from flyway "$FIX/flyway/db/migration" --adopt
check "a recorded version the source no longer has is refused (exit $rc)" test "$rc" -eq 1
check "naming it" err_has "records version 1.2, which is not among the"
check "and the escape" err_has "ignoreMigrationPatterns \"*:missing\"), pass --ignore-missing"
run --provider "$WORK/imp/flyway" --dsn "dbname=$mdb" import --from flyway "$FIX/flyway/db/migration" --adopt --ignore-missing
check "--ignore-missing adopts without it (exit $rc)" test "$rc" -eq 0
check "naming what it left out" err_has "records version 1.2, which the source no longer has; left out (--ignore-missing)"
check "stamped to the last version both have" out_has "version table stamped to V1.1_create_posts"
check "the tool's own history table is no ownership problem" bash -c "! grep -q flyway_schema_history.*OWNER '$WORK/err'"
run --provider "$WORK/imp/flyway" --dsn "dbname=$mdb" upgrade
check "upgrade runs the rest (exit $rc)" test "$rc" -eq 0
run --provider "$WORK/imp/flyway" import --from flyway "$FIX/flyway/db/migration" --ignore-missing
check "--ignore-missing without --adopt is bad usage (exit $rc)" test "$rc" -eq 2

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

# env.py's target_metadata carries a naming convention: without it the
# unnamed constraints get PostgreSQL's names and a later drop_constraint()
# by the convention's name fails; with --alembic-metadata or
# --naming-convention the import names them as the real Alembic does.
if command -v alembic >/dev/null && /usr/bin/python3 -c 'import alembic, psycopg2' 2>/dev/null; then
  echo "== import: Alembic naming convention from env.py's target_metadata"
  NF="$FIX/alembic-naming"
  for variant in none metadata convention; do
    np="$WORK/imp/naming_$variant" ndb="mmct_imp_naming_${variant}_$suffix" nref="mmct_imp_naming_ref_${variant}_$suffix"
    nempty="mmct_imp_naming_empty_${variant}_$suffix"
    run scaffold --package "naming_$variant" --namespace main --owner-role "$IOWNER" --dir "$np"
    cp "$WORK/out" "$WORK/imp_setup_naming.sql"
    for d in "$ndb" "$nref" "$nempty"; do imp_db "$d" "$WORK/imp_setup_naming.sql"; done
    case "$variant" in
      none) run --provider "$np" import --from alembic "$NF" ;;
      metadata) run --provider "$np" import --from alembic "$NF" --alembic-metadata app.models:metadata ;;
      convention) run --provider "$np" import --from alembic "$NF" --naming-convention "$NF/naming_convention.json" ;;
    esac
    check "naming ($variant): import (exit $rc)" test "$rc" -eq 0
    if [ "$variant" = none ]; then
      check "naming (none): the import warns that env.py's target_metadata is not carried over" \
        err_has "env.py:11: env.py sets target_metadata = metadata, which this import does not run"
      check "naming (none): and names the options" err_has "pass --alembic-metadata MODULE:ATTR"
    else
      check "naming ($variant): no warning about env.py" bash -c "! grep -q 'target_metadata' '$WORK/err'"
    fi
    run --provider "$np" --dsn "dbname=$ndb" upgrade
    if [ "$variant" = none ]; then
      check "naming (none): without the convention the later drop_constraint fails (exit $rc)" test "$rc" -eq 1
      check "naming (none): on the convention's name" err_has 'constraint "fk_books_author_id_authors" of relation "books" does not exist'
      continue
    fi
    check "naming ($variant): upgrade (exit $rc)" test "$rc" -eq 0
    alembic_oracle "$nref" heads alembic-naming || fail "naming: alembic upgrade heads (the oracle): $(tail -3 "$WORK/alembic.log")"
    check "naming ($variant): the oracle has the convention's names" grep -q 'pk_authors' <<<"$(schema_of "$nref")"
    check_eq "naming ($variant): schema (constraint names included) equals the real Alembic's" \
      "$(schema_of "$ndb")" "$(schema_of "$nref")"
    run --provider "$np" --dsn "dbname=$ndb" downgrade base
    check "naming ($variant): downgrade base (exit $rc)" test "$rc" -eq 0
    check_eq "naming ($variant): nothing left" "$(schema_of "$ndb")" "$(schema_of "$nempty")"
  done
  np="$WORK/imp/naming_none"
  run --provider "$np" import --from alembic "$NF" --alembic-metadata app.no_such_module:metadata
  check "a module that cannot be imported is bad usage (exit $rc)" test "$rc" -eq 2
  check "saying which and why" err_has "--alembic-metadata app.no_such_module:metadata: cannot import app.no_such_module: ModuleNotFoundError"
  run --provider "$np" import --from alembic "$NF" --alembic-metadata app.models:NAMING_CONVENTION
  check "an attribute that is no MetaData is bad usage (exit $rc)" test "$rc" -eq 2
  check "saying what it is" err_has "that is a dict, not a SQLAlchemy MetaData"
  run --provider "$np" import --from alembic "$NF" --naming-convention '{"fk": 1}'
  check "a convention that is no object of strings is bad usage (exit $rc)" test "$rc" -eq 2
  check "saying which template" err_has 'the template for "fk" must be a string'
  run --provider "$np" import --from dbmate "$FIX/dbmate/db/migrations" --naming-convention '{"fk": "x"}'
  check "the options are refused for other tools (exit $rc)" test "$rc" -eq 2
fi

# The scaffold's setup SQL alone lets revisions create schemas and trusted
# extensions (a history often starts with CREATE SCHEMA / CREATE EXTENSION),
# and grants on the manifest's schemas that exist already.
echo "== scaffold: the setup SQL covers CREATE SCHEMA and CREATE EXTENSION"
gp="$WORK/imp/grants" gdb="mmct_imp_grants_$suffix"
run scaffold --package imp_grants --namespace main --owner-role "$IOWNER" --dir "$gp" --schema public --schema billing --schema ledger
cp "$WORK/out" "$WORK/grants_setup.sql"
check "the setup SQL says why it grants CREATE on the database" grep -q "^-- CREATE SCHEMA and CREATE EXTENSION" "$WORK/grants_setup.sql"
check_eq "the manifest lists the schemas" "$(jq -c .schemas "$gp/metamigrate.json")" '["public","billing","ledger"]'
EXTRA_DBS+=("$gdb")
createdb "$gdb" && sql -d "$gdb" -c "CREATE SCHEMA ledger" >/dev/null
check "the setup SQL runs (as a superuser, nothing else granted)" sql -d "$gdb" -f "$WORK/grants_setup.sql"
check "and runs twice" sql -d "$gdb" -f "$WORK/grants_setup.sql"
check_eq "an existing schema of the manifest is granted" \
  "$(sql -d "$gdb" -c "SELECT has_schema_privilege('$IOWNER', 'ledger', 'CREATE')")" t
check_eq "one a revision creates is not created by the setup" "$(sql -d "$gdb" -c "SELECT to_regnamespace('billing') IS NULL")" t
cat >"$gp/versions/main/g1_schema_and_extension.sql" <<'SQL'
-- metamigrate:revision
-- revision: g1
-- down_revision:
-- message: schema and extension

-- metamigrate:upgrade
CREATE SCHEMA billing;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE billing.invoice (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
CREATE TABLE ledger.entry (id bigint PRIMARY KEY);

-- metamigrate:downgrade
DROP TABLE ledger.entry;
DROP TABLE billing.invoice;
DROP EXTENSION pgcrypto;
DROP SCHEMA billing;
SQL
run --provider "$gp" --dsn "dbname=$gdb" upgrade
check "a revision that creates a schema and a trusted extension runs as the owner role (exit $rc)" test "$rc" -eq 0
check_eq "the schema belongs to the owner role" "$(sql -d "$gdb" -c "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'billing'")" "$IOWNER"
run --provider "$gp" --dsn "dbname=$gdb" downgrade base
check "and it downgrades (exit $rc)" test "$rc" -eq 0
