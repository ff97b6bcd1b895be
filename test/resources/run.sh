#!/usr/bin/env bash
# Resource bounds: backend memory of one upgrade does not grow with the
# work of the revisions it applies (each revision's work lives in a memory
# context that is reset before the next one).
#
# For K = 1,000 and K = 5,000 a provider gets K revisions, each carrying
# 16 kB of SQL (a SELECT of a 16 kB literal: no catalog object and no
# table data per revision). `metamigrate.upgrade` runs in a fresh session
# while this script samples the backend's private memory (RssAnon in
# /proc, without pauses): that peak grows when a revision's work outlives
# the revision (checked: without the reset between revisions it grows by
# about 20 kB per revision). Inside the same transaction, after the call,
# the memory still held by PostgreSQL's memory contexts is read from
# pg_backend_memory_contexts: that grows when work outlives the call.
# Keeping what a revision's work allocates (its SQL text, the parse and
# plan trees of a 16 kB literal, executor state) costs well over 16 kB
# per revision. What an upgrade must hold per revision is its metadata:
# the revision graph, the plan and one step of the result (measured: 1 to
# 3 kB, the same with 32-byte and with 16 kB revisions). The test fails
# when either measure grows by a quarter of a revision's SQL (4 kB) or
# more per extra revision between K = 1,000 and K = 5,000.
#
# Needs PGHOST/PGPORT/PGUSER of a superuser on a cluster where
# `make install` was done, on this machine (it reads the backend's /proc
# entry: run as root or as the server's OS user). Ends with
# "N passed, M failed".
set -uo pipefail

DB="mmres_$$"
OWNER="mm_resources_owner_$$"
WORK="$(mktemp -d /tmp/metamigrate-resources.XXXXXX)"
chmod 755 "$WORK"
passed=0
failed=0
# Bytes per extra revision at which growth counts as proportional to K.
LIMIT_PER_REVISION=4096

cleanup() {
  dropdb --if-exists "$DB" >/dev/null 2>&1
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS $OWNER" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
createdb "$DB" || { echo "0 passed, 1 failed"; exit 1; }
sql -c "CREATE ROLE $OWNER NOLOGIN" -c "CREATE EXTENSION metamigrate" \
  -c "GRANT USAGE ON SCHEMA metamigrate TO $OWNER" -c "GRANT USAGE, CREATE ON SCHEMA public TO $OWNER" \
  || { echo "0 passed, 1 failed"; exit 1; }

# Registers provider mem_kK:main with K revisions, each a SELECT of a 16 kB
# literal (no table data, so no shared buffers are touched), uploaded 1,000
# at a time.
prepare() {  # K
  sql -c "SELECT metamigrate.register_provider('mem_k$1', 'main', '$OWNER')" >/dev/null || return 1
  local first
  for ((first = 1; first <= $1; first += 1000)); do
    sql -c "SELECT metamigrate.upload_revisions('mem_k$1:main', (
      SELECT jsonb_agg(jsonb_build_object(
        'revision', 'r' || i,
        'down_revision', CASE WHEN i = 1 THEN NULL ELSE 'r' || (i - 1) END,
        'message', 'revision ' || i,
        'upgrade_sql', 'SELECT length(' || quote_literal(repeat(md5(i::text), 512)) || ');',
        'downgrade_sql', 'SELECT ' || i || ';')
        ORDER BY i)
      FROM generate_series($first, LEAST($first + 999, $1)) i))" >/dev/null || return 1
  done
}

# RssAnon of process $1 in kB, with shell builtins only (no fork), so the
# sampling loop below can run without pauses and catch short peaks.
rss_anon_kb() {
  local key value _
  while read -r key value _; do
    [ "$key" = "RssAnon:" ] && { echo "$value"; return 0; }
  done <"/proc/$1/status" 2>/dev/null
  return 1
}

# Runs WORK (SQL that prints one line) in a fresh session, in a
# transaction; prints "<context bytes> <RssAnon kB>": the growth of both
# over it, the RSS as its peak while it ran.
measure_work() {  # NAME WORK
  local pidfile="$WORK/pid-$1" contexts="$WORK/contexts-$1"
  rm -f "$pidfile"
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" >"$contexts" 2>"$WORK/err-$1" <<SQL &
\o $pidfile
SELECT pg_backend_pid();
\o
SELECT pg_sleep(0.5);
BEGIN;
SELECT sum(total_bytes) FROM pg_backend_memory_contexts;
$2
SELECT sum(total_bytes) FROM pg_backend_memory_contexts;
COMMIT;
SQL
  local client=$! pid="" start="" peak=0 now
  for _ in $(seq 1 200); do
    pid="$(cat "$pidfile" 2>/dev/null)"
    [ -n "$pid" ] && break
    sleep 0.05
  done
  [ -n "$pid" ] || { wait "$client"; return 1; }
  start="$(rss_anon_kb "$pid")"
  while kill -0 "$client" 2>/dev/null; do
    rss_anon_kb "$pid" >"$WORK/rss" && read -r now <"$WORK/rss" && [ "$now" -gt "$peak" ] && peak=$now
  done
  wait "$client" || return 1
  # $contexts: the pg_sleep line (empty), before, count, after.
  local before after count
  before="$(sed -n 2p "$contexts")"
  count="$(sed -n 3p "$contexts")"
  after="$(sed -n 4p "$contexts")"
  [ "$count" = 1 ] && [ -n "$start" ] || return 1
  echo "$((after - before)) $((peak - start))"
}

# Upgrades mem_kK:main in a fresh session (see measure_work).
measure() {  # K
  measure_work "k$1" "SELECT count(*) FROM (SELECT metamigrate.upgrade('mem_k$1:main')) applied;"
}

for k in 1000 5000; do
  if prepare "$k"; then pass "upload of $k revisions"; else fail "upload of $k revisions"; fi
done
if [ ! -r "/proc/$$/status" ] || [ -z "$(rss_anon_kb $$)" ]; then
  fail "this system has no /proc/PID/status with RssAnon"
  echo "$passed passed, $failed failed"
  exit 1
fi

read -r ctx_1000 rss_1000 < <(measure 1000) || true
read -r ctx_5000 rss_5000 < <(measure 5000) || true
if [ -n "${ctx_1000:-}" ] && [ -n "${ctx_5000:-}" ]; then
  pass "upgrades of 1,000 and 5,000 revisions ran and were measured"
else
  fail "an upgrade failed or could not be measured"
  cat "$WORK"/err-* 2>/dev/null | head -10
  echo "$passed passed, $failed failed"
  exit 1
fi
applied=$(sql -c "SELECT count(*) FILTER (WHERE provider = 'mem_k1000:main') || ' ' ||
                         count(*) FILTER (WHERE provider = 'mem_k5000:main')
                  FROM metamigrate.history WHERE direction = 'upgrade'")
if [ "$applied" = "1000 5000" ]; then
  pass "every revision ran once (history: 1,000 and 5,000 upgrade steps)"
else
  fail "upgrade steps in the history: $applied (expected 1000 5000)"
fi

echo "memory contexts held after the call: K=1000 +$((ctx_1000 / 1024)) kB, K=5000 +$((ctx_5000 / 1024)) kB"
echo "peak RssAnon during the call:        K=1000 +${rss_1000} kB, K=5000 +${rss_5000} kB"
ctx_per_revision=$(((ctx_5000 - ctx_1000) / 4000))
rss_per_revision=$(((rss_5000 - rss_1000) * 1024 / 4000))
if [ "$ctx_per_revision" -lt "$LIMIT_PER_REVISION" ]; then
  pass "memory contexts grow by $ctx_per_revision bytes per extra revision (< $LIMIT_PER_REVISION)"
else
  fail "memory contexts grow by $ctx_per_revision bytes per extra revision (limit $LIMIT_PER_REVISION): revision work is kept"
fi
if [ "$rss_per_revision" -lt "$LIMIT_PER_REVISION" ]; then
  pass "peak private memory grows by $rss_per_revision bytes per extra revision (< $LIMIT_PER_REVISION)"
else
  fail "peak private memory grows by $rss_per_revision bytes per extra revision (limit $LIMIT_PER_REVISION): revision work is kept"
fi

# Memory flat in the number of tables: after an upgrade, metamigrate
# captures the state verify compares with (a snapshot of the provider's
# schemas, stored object by object). An upgrade of 10 revisions creating N
# tables (N = 1,000 and 5,000: each 6 columns, a primary key, a foreign
# key to the previous table and an index) is measured as above, and so is
# the floor: the same statements run by psql in one transaction, whose
# memory grows with N on its own (relation and catalog caches, about 34 kB
# a table). What metamigrate adds beyond the floor must grow by less than
# 8 kB per extra table: storing the whole model as one jsonb added about
# 85 kB (checked); storing it object by object measured 4.8 to 5.3 kB, of
# which about half was the capture's table scans sorting every table's rows
# in memory; with the snapshot's work_mem at 256 kB it measured 2.5 to 2.7
# kB (one run of four 4.5 kB; without a capture: 0.3 kB), and with the
# tables printed straight into one string and the definitions composed
# from their rows 764 and 1,012 bytes, under issue 17's target of 4 kB.
# The limit stays at 8 kB because single runs vary by up to 3 kB.
LIMIT_PER_TABLE=8192
# The statements creating tables FIRST..LAST in SCHEMA, as SQL computes them.
tables_sql_query() {  # SCHEMA FIRST LAST
  echo "SELECT string_agg(format('CREATE TABLE %1\$I.t%2\$s (id bigint PRIMARY KEY, prev_id bigint%3\$s, name text NOT NULL, '
    'amount numeric(12,2) NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now(), '
    'active boolean NOT NULL DEFAULT true); CREATE INDEX ON %1\$I.t%2\$s (name);', '$1', i,
    CASE WHEN i > 1 THEN format(' REFERENCES %I.t%s (id)', '$1', i - 1) ELSE '' END), E'\\n' ORDER BY i)
    FROM generate_series($2, $3) i"
}
prepare_tables() {  # N: provider mem_tN:main (schema mem_tN) with 10 revisions of N/10 tables each, and schema floor_tN
  local n=$1 schema="mem_t$1" per=$(($1 / 10))
  sql -c "CREATE SCHEMA $schema AUTHORIZATION $OWNER" -c "CREATE SCHEMA floor_t$n" \
    -c "SELECT metamigrate.register_provider('mem_t$n', 'main', '$OWNER')" \
    -c "SELECT metamigrate.set_provider_schemas('mem_t$n:main', ARRAY['$schema'])" >/dev/null || return 1
  sql -c "SELECT metamigrate.upload_revisions('mem_t$n:main', (
    SELECT jsonb_agg(jsonb_build_object(
      'revision', 't' || r,
      'down_revision', CASE WHEN r = 1 THEN NULL ELSE 't' || (r - 1) END,
      'upgrade_sql', ($(tables_sql_query "$schema" "(r - 1) * $per + 1" "r * $per")),
      'downgrade_sql', 'SELECT 1;') ORDER BY r)
    FROM generate_series(1, 10) r))" >/dev/null || return 1
  sql -c "$(tables_sql_query "floor_t$n" 1 "$n")" >"$WORK/floor-$n.sql"
}
measured_tables=1
# Creating 5,000 tables in one transaction takes about 6 locks a table.
lock_slots=$(sql -c "SELECT current_setting('max_locks_per_transaction')::int * current_setting('max_connections')::int")
if [ "${lock_slots:-0}" -lt 40000 ]; then
  fail "the lock table holds $lock_slots locks; 5,000 tables in one upgrade need about 30,000 (max_locks_per_transaction=1024 with max_connections=40, as scripts/test-all's cluster has)"
  measured_tables=0
fi
for n in 1000 5000; do
  [ "$measured_tables" = 1 ] || break
  if prepare_tables "$n"; then pass "10 revisions creating $n tables uploaded"; else fail "10 revisions creating $n tables uploaded"; measured_tables=0; fi
done
if [ "$measured_tables" = 1 ]; then
  read -r _ mm_1000 < <(measure_work t1000 "SELECT count(*) FROM (SELECT metamigrate.upgrade('mem_t1000:main')) applied;") || true
  read -r _ mm_5000 < <(measure_work t5000 "SELECT count(*) FROM (SELECT metamigrate.upgrade('mem_t5000:main')) applied;") || true
  read -r _ floor_1000 < <(measure_work f1000 "$(cat "$WORK/floor-1000.sql")
SELECT 1;") || true
  read -r _ floor_5000 < <(measure_work f5000 "$(cat "$WORK/floor-5000.sql")
SELECT 1;") || true
  stored=$(sql -c "SELECT string_agg(objects::text, ' ' ORDER BY provider) FROM metamigrate.schema_state
                   WHERE provider IN ('mem_t1000:main', 'mem_t5000:main') AND capture_error IS NULL")
  if [ -n "${mm_1000:-}" ] && [ -n "${mm_5000:-}" ] && [ -n "${floor_1000:-}" ] && [ -n "${floor_5000:-}" ] &&
    [ "$stored" = "1001 5001" ]; then
    pass "upgrades creating 1,000 and 5,000 tables ran, stored their state (objects: $stored) and were measured"
    echo "peak RssAnon: floor N=1000 +${floor_1000} kB, N=5000 +${floor_5000} kB; metamigrate N=1000 +${mm_1000} kB, N=5000 +${mm_5000} kB"
    extra_per_table=$((((mm_5000 - mm_1000) - (floor_5000 - floor_1000)) * 1024 / 4000))
    if [ "$extra_per_table" -lt "$LIMIT_PER_TABLE" ]; then
      pass "beyond the floor, peak private memory grows by $extra_per_table bytes per extra table (< $LIMIT_PER_TABLE)"
    else
      fail "beyond the floor, peak private memory grows by $extra_per_table bytes per extra table (limit $LIMIT_PER_TABLE)"
    fi
  else
    fail "an upgrade creating tables failed, stored no state ($stored) or could not be measured"
    cat "$WORK"/err-t* "$WORK"/err-f* 2>/dev/null | head -10
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
