#!/usr/bin/env bash
# Autogenerate corpus: paired cases and churn cases, checked the strong way
# against a running cluster (PGHOST/PGPORT/PGUSER) where metamigrate is
# installed (make install) but not created in any database.
#
#   cases/<NN_name>/a.sql, b.sql   two states of a schema. For each pair:
#     load a into database A and b into database B, snapshot both,
#     d = diff(snapA, snapB) (its upgrade must not be empty), run d.upgrade
#     on A in one transaction: snapshot(A) must equal snapB byte for byte and
#     diff(snapshot(A), snapB) must be empty ("check" is clean); then run
#     d.downgrade on A in one transaction: snapshot(A) must equal snapA byte
#     for byte. Where the diff announces that a kept table's columns will
#     not be in the declared order (column_order, downgrade_column_order),
#     the snapshot must have exactly the announced order instead. An
#     optional `schemas` file lists the compared schemas
#     (default: public); an optional `upgrade_excludes` file holds
#     extended regular expressions no upgrade statement may match (what a
#     case must not rebuild).
#   cases/<NN_name>/pinned/   the snapshots of a and b and their diff, as
#     pinned (see pinned() below; MM_AG_PIN=1 rewrites them).
#   churn/<name>/*.sql   several spellings of one schema: every snapshot
#     must be byte-equal to the first (but for column order and the
#     spelling of constant defaults, which the diff never changes alone)
#     and every diff empty.
#
# Prints one line per case ("ok NAME" or "FAIL NAME: reason" with the
# differing JSON paths) and finally "N passed, M failed"; exits 1 if any
# case failed. Usage: run.sh [SUBSTRING] runs only the matching cases.
# MM_AG_JOBS (default 3) cases run at once, each worker on its own pair of
# databases, which it resets between cases (creating and dropping databases
# forces checkpoints; resetting does not).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
filter="${1:-}"
jobs="${MM_AG_JOBS:-3}"
prefix="mmag_$$"
export PGDATABASE="${PGDATABASE:-postgres}"
psql_base=(psql -X -q -v ON_ERROR_STOP=1)
work="$(mktemp -d /tmp/mm-autogenerate.XXXXXX)"

cleanup() {
  local db
  for db in $("${psql_base[@]}" -d postgres -At -c \
      "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}\\_%'" 2>/dev/null); do
    dropdb --if-exists "$db" >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap cleanup EXIT

# SQL that brings a database back to "fresh": no schema but an empty
# public, no extension but plpgsql and metamigrate.
reset_sql="$work/reset.sql"
cat >"$reset_sql" <<'SQL'
SET client_min_messages = warning;
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT extname FROM pg_catalog.pg_extension WHERE extname NOT IN ('plpgsql', 'metamigrate') LOOP
    EXECUTE pg_catalog.format('DROP EXTENSION %I CASCADE', r.extname);
  END LOOP;
  FOR r IN SELECT nspname FROM pg_catalog.pg_namespace
            WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'metamigrate')
              AND nspname NOT LIKE 'pg\_toast%' AND nspname NOT LIKE 'pg\_temp%' LOOP
    EXECUTE pg_catalog.format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
END $$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
COMMENT ON SCHEMA public IS 'standard public schema';
GRANT USAGE ON SCHEMA public TO PUBLIC;
RESET client_min_messages;
SQL

# reset, load a file, print the snapshot: one connection.
load_and_snapshot() {  # db, sql file, schemas literal, output file
  "${psql_base[@]}" -d "$1" -At -v reset_sql="$reset_sql" -v file="$2" -v schemas="$3" >"$4" 2>"$4.err" <<'SQL'
\i :reset_sql
\o /dev/null
\i :file
\o
SELECT metamigrate.snapshot(:'schemas')::text;
SQL
}

# Runs the statements of direction $3 of the diff in file $2 on database
# $1 in one transaction, then prints the snapshot.
apply_and_snapshot() {  # db, diff file, direction, schemas literal, output file
  "${psql_base[@]}" -d "$1" -At -v diff_file="$2" -v direction="$3" -v schemas="$4" >"$5" 2>"$5.err" <<'SQL'
\set diff `cat :diff_file`
\o /dev/null
BEGIN;
SELECT s FROM pg_catalog.jsonb_array_elements_text(:'diff'::jsonb -> :'direction') WITH ORDINALITY AS x(s, n) ORDER BY n \gexec
COMMIT;
\o
SELECT metamigrate.snapshot(:'schemas')::text;
SQL
}

# Prints a query's result with :'x' and :'y' bound to two files' contents
# (read by psql itself: a model can exceed what a command-line argument holds).
query_with() {  # db, sql, file x, file y
  "${psql_base[@]}" -d "$1" -At -v x_file="$3" -v y_file="$4" <<<"\\set x \`cat :x_file\`
\\set y \`cat :y_file\`
$2"
}

differences() {  # db, file a, file b
  query_with "$1" "SELECT string_agg(d, '; ') FROM (SELECT d FROM metamigrate.snapshot_differences(:'x', :'y') d LIMIT 8) x" "$2" "$3"
}

# Tables of snapshot :'x' with the column order of diff :'y''s notes (key
# NOTES) in place of their own: what a direction of the diff must produce
# when it cannot give a kept table its declared column order.
expected_sql() {  # notes key
  cat <<SQL
SELECT (:'x'::jsonb || jsonb_build_object('tables', COALESCE((
         SELECT jsonb_agg(CASE WHEN n.note IS NULL THEN t ELSE jsonb_set(t, '{column_order}', n.note -> 'result') END
                          ORDER BY i)
           FROM jsonb_array_elements(:'x'::jsonb -> 'tables') WITH ORDINALITY AS e(t, i)
           LEFT JOIN LATERAL (SELECT note FROM jsonb_array_elements(:'y'::jsonb -> '$1') note
                               WHERE note ->> 'schema' = t ->> 'schema' AND note ->> 'table' = t ->> 'name') n ON true),
         '[]')))::text
SQL
}

# True when snapshot file $2 is what the diff in $4 (notes key $5) promised
# from target snapshot $3: byte-equal when it announced no column order,
# else equal with the announced orders.
as_promised() {  # db, actual, target, diff file, notes key, scratch file
  cmp -s "$2" "$3" && return 0
  [ "$(query_with "$1" "SELECT jsonb_array_length(:'y'::jsonb -> '$5')" "$4" "$4")" != 0 ] || return 1
  query_with "$1" "$(expected_sql "$5")" "$3" "$4" >"$6" || return 1
  [ "$(query_with "$1" "SELECT :'x'::jsonb = :'y'::jsonb" "$2" "$6")" = t ]
}

# Equal but for how tables were written: column_order and columns'
# default_source (churn: spellings may order columns and write constant
# defaults differently; the diff never changes either alone).
equal_but_how_written() {  # db, file a, file b
  [ "$(query_with "$1" "WITH s(side, m) AS (VALUES (1, :'x'::jsonb), (2, :'y'::jsonb)),
    stripped AS (SELECT side, m || jsonb_build_object('tables', COALESCE((
                   SELECT jsonb_agg((t - 'column_order') || jsonb_build_object('columns', COALESCE((
                            SELECT jsonb_agg(c - 'default_source' ORDER BY j)
                              FROM jsonb_array_elements(t -> 'columns') WITH ORDINALITY AS f(c, j)), '[]'))
                          ORDER BY i)
                     FROM jsonb_array_elements(m -> 'tables') WITH ORDINALITY AS e(t, i)), '[]')) AS m FROM s)
    SELECT (SELECT m FROM stripped WHERE side = 1) = (SELECT m FROM stripped WHERE side = 2)" "$2" "$3")" = t ]
}

errors_of() { grep -E 'ERROR|DETAIL|LINE' "$1" | head -4 | tr '\n' ' '; }

# The schema as pg_dump -s prints it (the compared schemas only), without
# its comments and settings: what "the same schema" means to a user. It
# sees what the snapshot model leaves out (row-level security, policies,
# the names of partitions' attached indexes, ...).
dump_schema() {  # db, schemas file or "", output file
  local args=()
  if [ -n "$2" ]; then
    while read -r s; do [ -n "$s" ] && args+=(-n "$s"); done <"$2"
  else
    args+=(-n public)
  fi
  pg_dump -s --no-owner --no-privileges "${args[@]}" "$1" 2>"$3.err" |
    grep -vE '^(--|SET |SELECT pg_catalog.set_config|\\(un)?restrict )' | cat -s >"$3"
}
# The first lines where two dumps differ, on one line.
dump_differences() { diff "$1" "$2" | grep -E '^[<>]' | head -6 | cut -c1-160 | tr '\n' ' '; }

# Pinned outputs: cases/<name>/pinned/{a,b,diff}.json are the snapshots of
# a and b and their diff as of the last pin. They pin the models' and the
# diff's semantics across rewrites of the snapshot or the diff (issue 17):
# a case whose outputs changed fails until re-pinned with MM_AG_PIN=1,
# which (re)writes them; review the pinned files' changes then.
json_equal() { python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$1" "$2"; }
compact_json() { python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), ensure_ascii=False, separators=(",", ":")))' "$1"; }
pinned() {  # case dir, db, scratch dir; prints a FAIL line and returns 1 on a difference
  local dir="$1" db="$2" tmp="$3" name part fresh
  name="$(basename "$dir")"
  for part in a b diff; do
    fresh="$tmp/snap_$part"
    [ "$part" = diff ] && fresh="$tmp/diff"
    if [ "${MM_AG_PIN:-0}" = 1 ]; then
      mkdir -p "$dir/pinned" && compact_json "$fresh" >"$dir/pinned/$part.json" ||
        { echo "FAIL $name: cannot pin $part"; return 1; }
    elif [ ! -f "$dir/pinned/$part.json" ]; then
      echo "FAIL $name: no pinned/$part.json (MM_AG_PIN=1 writes it)"
      return 1
    elif ! json_equal "$fresh" "$dir/pinned/$part.json"; then
      if [ "$part" = diff ]; then
        echo "FAIL $name: the diff differs from pinned/diff.json: $(diff <(compact_json "$fresh" | tr ',' '\n') \
          <(tr ',' '\n' <"$dir/pinned/diff.json") | grep -E '^[<>]' | head -4 | cut -c1-160 | tr '\n' ' ')"
      else
        echo "FAIL $name: snapshot of $part differs from pinned/$part.json: $(differences "$db" "$fresh" "$dir/pinned/$part.json")"
      fi
      return 1
    fi
  done
}

# Each run_* prints exactly one line: "ok NAME" or "FAIL NAME: reason".
run_pair() {  # case dir, db a, db b, scratch dir
  local dir="$1" a="$2" b="$3" tmp="$4" name schemas schemas_file="" n
  name="$(basename "$dir")"
  schemas='{public}'
  [ -f "$dir/schemas" ] && schemas="{$(paste -sd, "$dir/schemas")}" && schemas_file="$dir/schemas"
  load_and_snapshot "$a" "$dir/a.sql" "$schemas" "$tmp/snap_a" ||
    { echo "FAIL $name: a.sql: $(errors_of "$tmp/snap_a.err")"; return; }
  load_and_snapshot "$b" "$dir/b.sql" "$schemas" "$tmp/snap_b" ||
    { echo "FAIL $name: b.sql: $(errors_of "$tmp/snap_b.err")"; return; }
  query_with "$a" "SELECT metamigrate.diff(:'x', :'y')::text" "$tmp/snap_a" "$tmp/snap_b" >"$tmp/diff" 2>"$tmp/diff.err" ||
    { echo "FAIL $name: diff: $(errors_of "$tmp/diff.err")"; return; }
  n=$(query_with "$a" "SELECT jsonb_array_length((:'x'::jsonb) -> 'upgrade')" "$tmp/diff" "$tmp/diff")
  [ "$n" -gt 0 ] || { echo "FAIL $name: a and b give an empty diff"; return; }
  pinned "$dir" "$a" "$tmp" || return
  # The client's calls (text, no jsonb) give the same model and diff.
  "${psql_base[@]}" -d "$a" -At -c "SELECT metamigrate.snapshot_text('$schemas')" >"$tmp/text_a" &&
    json_equal "$tmp/text_a" "$tmp/snap_a" ||
    { echo "FAIL $name: snapshot_text of a differs from snapshot()"; return; }
  query_with "$a" "SELECT (metamigrate.compare_models(:'x', :'y')::jsonb -> 'diff')::text" "$tmp/snap_a" "$tmp/snap_b" \
    >"$tmp/compared" && json_equal "$tmp/compared" "$tmp/diff" ||
    { echo "FAIL $name: compare_models' diff differs from diff()"; return; }
  if [ -f "$dir/upgrade_excludes" ]; then
    query_with "$a" "SELECT s FROM jsonb_array_elements_text((:'x'::jsonb) -> 'upgrade') s" "$tmp/diff" "$tmp/diff" \
      >"$tmp/upgrade_statements"
    n="$(grep -E -f "$dir/upgrade_excludes" "$tmp/upgrade_statements" | head -1)"
    [ -z "$n" ] || { echo "FAIL $name: upgrade has a statement upgrade_excludes rules out: $n"; return; }
  fi
  dump_schema "$a" "$schemas_file" "$tmp/dump_a"
  dump_schema "$b" "$schemas_file" "$tmp/dump_b"
  apply_and_snapshot "$a" "$tmp/diff" upgrade "$schemas" "$tmp/after_up" ||
    { echo "FAIL $name: upgrade: $(errors_of "$tmp/after_up.err")"; return; }
  as_promised "$a" "$tmp/after_up" "$tmp/snap_b" "$tmp/diff" column_order "$tmp/expected" ||
    { echo "FAIL $name: after upgrade, snapshot differs from b: $(differences "$a" "$tmp/after_up" "$tmp/snap_b")"; return; }
  # pg_dump too, unless the diff announced a column order it cannot give.
  if cmp -s "$tmp/after_up" "$tmp/snap_b"; then
    dump_schema "$a" "$schemas_file" "$tmp/dump_up"
    cmp -s "$tmp/dump_up" "$tmp/dump_b" ||
      { echo "FAIL $name: after upgrade, pg_dump -s differs from b's: $(dump_differences "$tmp/dump_up" "$tmp/dump_b")"; return; }
  fi
  n=$(query_with "$a" "SELECT jsonb_array_length(d -> 'upgrade') + jsonb_array_length(d -> 'downgrade')
                       FROM metamigrate.diff(:'x', :'y') d" "$tmp/after_up" "$tmp/snap_b")
  [ "$n" == 0 ] || { echo "FAIL $name: check after upgrade is not clean ($n statements)"; return; }
  apply_and_snapshot "$a" "$tmp/diff" downgrade "$schemas" "$tmp/after_down" ||
    { echo "FAIL $name: downgrade: $(errors_of "$tmp/after_down.err")"; return; }
  as_promised "$a" "$tmp/after_down" "$tmp/snap_a" "$tmp/diff" downgrade_column_order "$tmp/expected" ||
    { echo "FAIL $name: after downgrade, snapshot differs from a: $(differences "$a" "$tmp/after_down" "$tmp/snap_a")"; return; }
  if cmp -s "$tmp/after_down" "$tmp/snap_a"; then
    dump_schema "$a" "$schemas_file" "$tmp/dump_down"
    cmp -s "$tmp/dump_down" "$tmp/dump_a" ||
      { echo "FAIL $name: after downgrade, pg_dump -s differs from a's: $(dump_differences "$tmp/dump_down" "$tmp/dump_a")"; return; }
  fi
  echo "ok $name"
}

run_churn() {  # churn dir, db, unused, scratch dir
  local dir="$1" db="$2" tmp="$4" name schemas file first="" i=0 n
  name="churn/$(basename "$dir")"
  schemas='{public}'
  [ -f "$dir/schemas" ] && schemas="{$(paste -sd, "$dir/schemas")}"
  for file in "$dir"/*.sql; do
    i=$((i + 1))
    load_and_snapshot "$db" "$file" "$schemas" "$tmp/snap_$i" ||
      { echo "FAIL $name: $(basename "$file"): $(errors_of "$tmp/snap_$i.err")"; return; }
    if [ -z "$first" ]; then first="$file"; continue; fi
    cmp -s "$tmp/snap_1" "$tmp/snap_$i" || equal_but_how_written "$db" "$tmp/snap_1" "$tmp/snap_$i" ||
      { echo "FAIL $name: $(basename "$file") differs from $(basename "$first"): $(differences "$db" "$tmp/snap_1" "$tmp/snap_$i")"; return; }
    n=$(query_with "$db" "SELECT jsonb_array_length(d -> 'upgrade') + jsonb_array_length(d -> 'downgrade')
                          FROM metamigrate.diff(:'x', :'y') d" "$tmp/snap_1" "$tmp/snap_$i")
    [ "$n" == 0 ] || { echo "FAIL $name: diff between $(basename "$first") and $(basename "$file") is not empty"; return; }
  done
  [ "$i" -ge 2 ] || { echo "FAIL $name: needs at least two spellings"; return; }
  echo "ok $name"
}

cases=()
for dir in "$here"/cases/*/ "$here"/churn/*/; do
  [ -d "$dir" ] || continue
  [[ -z "$filter" || "$dir" == *"$filter"* ]] && cases+=("${dir%/}")
done

worker() {  # worker number: runs cases number, number + jobs, ...
  local w="$1" a="${prefix}_${1}_a" b="${prefix}_${1}_b" tmp="$work/w$1" i db
  mkdir -p "$tmp"
  for db in "$a" "$b"; do
    createdb "$db" 2>"$tmp/createdb.err" && "${psql_base[@]}" -d "$db" -c "CREATE EXTENSION metamigrate" >/dev/null 2>>"$tmp/createdb.err" ||
      { for ((i = w; i < ${#cases[@]}; i += jobs)); do
          echo "FAIL $(basename "${cases[$i]}"): cannot set up $db: $(head -2 "$tmp/createdb.err")" >"$work/result_$i"; done
        return; }
  done
  for ((i = w; i < ${#cases[@]}; i += jobs)); do
    if [[ "${cases[$i]}" == */churn/* ]]; then
      run_churn "${cases[$i]}" "$b" "" "$tmp" >"$work/result_$i"
    else
      run_pair "${cases[$i]}" "$a" "$b" "$tmp" >"$work/result_$i"
    fi
  done
}
for ((w = 0; w < jobs; w++)); do worker "$w" & done
wait

passed=0
failed=0
for ((i = 0; i < ${#cases[@]}; i++)); do
  line="$(cat "$work/result_$i" 2>/dev/null || echo "FAIL $(basename "${cases[$i]}"): no result")"
  echo "$line"
  if [[ "$line" == ok* ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
