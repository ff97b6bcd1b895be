#!/usr/bin/env bash
# Benchmark (not a timed test): snapshot and diff of a 2,000-table schema.
# Needs PGHOST/PGPORT/PGUSER of a cluster with metamigrate installed.
#   1. builds schema A (2,000 tables with a primary key, a foreign key to the
#      previous table, an index, a default and a check; 200 views) with
#      `psql -1 -f` -- the floor: the same DDL executed directly;
#   2. times snapshot(A), builds B = A with every 10th table changed
#      (a column added, a type widened, an index changed) and times
#      diff(snapA, snapB) and applying its upgrade.
# Prints the timings and the ratios against the floor. One transaction
# over 2,000 tables needs max_locks_per_transaction of about 256 or more.
set -euo pipefail
tables="${1:-2000}"
db="mm_bench_$$"
work="$(mktemp -d /tmp/mm-bench.XXXXXX)"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1; dropdb --if-exists "${db}_b" >/dev/null 2>&1; rm -rf "$work"' EXIT
export PGDATABASE=postgres

generate() {  # variant (a|b)
  for ((i = 1; i <= tables; i++)); do
    local extra="" type="integer" index="(name)"
    if [ "$1" = b ] && ((i % 10 == 0)); then extra=", added text DEFAULT 'x'"; type="bigint"; index="(name, qty)"; fi
    local fk=""
    ((i > 1)) && fk=", prev_id bigint REFERENCES t$((i - 1))"
    echo "CREATE TABLE t$i (id bigint PRIMARY KEY, name varchar(40) NOT NULL DEFAULT '', qty $type CHECK (qty >= 0)$fk$extra);"
    echo "CREATE INDEX t${i}_idx ON t$i $index;"
    ((i % 10 == 0)) && echo "CREATE VIEW v$i AS SELECT id, name FROM t$i;"
  done
}

ms() { date +%s%3N; }
generate a >"$work/a.sql"
generate b >"$work/b.sql"
createdb "$db" && createdb "${db}_b"
for d in "$db" "${db}_b"; do psql -X -q -d "$d" -c "CREATE EXTENSION metamigrate"; done

t0=$(ms); psql -X -q -1 -v ON_ERROR_STOP=1 -d "$db" -f "$work/a.sql"; t1=$(ms)
floor=$((t1 - t0))
psql -X -q -1 -v ON_ERROR_STOP=1 -d "${db}_b" -f "$work/b.sql"

t0=$(ms); psql -X -At -d "$db" -c "SELECT metamigrate.snapshot('{public}')" >"$work/snap_a"; t1=$(ms)
snapshot=$((t1 - t0))
psql -X -At -d "${db}_b" -c "SELECT metamigrate.snapshot('{public}')" >"$work/snap_b"
t0=$(ms)
# Large values go through psql's backtick \set, not the command line.
psql -X -At -d "$db" <<<"\\set a \`cat $work/snap_a\`
\\set b \`cat $work/snap_b\`
SELECT metamigrate.diff(:'a', :'b')" >"$work/diff"
t1=$(ms)
diff_ms=$((t1 - t0))
statements=$(psql -X -At -d "$db" <<<"\\set d \`cat $work/diff\`
SELECT jsonb_array_length(:'d'::jsonb -> 'upgrade')")
t0=$(ms)
psql -X -q -d "$db" -v ON_ERROR_STOP=1 >/dev/null <<SQL
\\set d \`cat $work/diff\`
BEGIN;
SELECT s FROM jsonb_array_elements_text(:'d'::jsonb -> 'upgrade') WITH ORDINALITY x(s, n) ORDER BY n \gexec
COMMIT;
SQL
t1=$(ms)
apply=$((t1 - t0))
check=$(psql -X -At -d "$db" <<<"\\set b \`cat $work/snap_b\`
SELECT jsonb_array_length(d -> 'upgrade') FROM metamigrate.diff(metamigrate.snapshot('{public}'), :'b') d")

echo "tables: $tables, model: $(wc -c <"$work/snap_a") bytes, upgrade statements: $statements, check after upgrade: $check"
echo "floor (psql -1 -f of schema A): ${floor} ms"
echo "snapshot:                       ${snapshot} ms ($(awk "BEGIN { printf \"%.2f\", $snapshot / $floor }") x floor)"
echo "diff (both directions):         ${diff_ms} ms ($(awk "BEGIN { printf \"%.2f\", $diff_ms / $floor }") x floor)"
echo "apply upgrade:                  ${apply} ms"
