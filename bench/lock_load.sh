#!/usr/bin/env bash
# Lock-aware migration under load: application queries queued behind an
# ALTER TABLE that waits for a long reader, and their latency, side by
# side for a plain psql run of the DDL and metamigrate with and without
# lock retries (docs/cli.md, "Lock retries").
#
#   bench/lock_load.sh [--seconds 16] [--clients 8] [--scale 5]
#
# Starts its own throwaway cluster (scripts/lib/cluster.sh) and, for each
# variant on the same database: pgbench (select-only, --clients sessions)
# runs --seconds; at 3 s a reader holds pgbench_accounts for 6 s inside
# one transaction; at 4 s the migration (ALTER TABLE pgbench_accounts ADD
# COLUMN) starts. Sampled every 50 ms: pgbench sessions waiting for a lock
# on the table. From pgbench's per-transaction log: p99 and max latency of
# the transactions that ended while the migration ran (until 0.5 s after),
# how many took over 100 ms, and queued session-seconds (the sum of the
# waiting sessions over the samples).
# Writes bench/results/lock_load-<stamp>.md. Needs make install done.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds=16
clients=8
scale=5
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/lock_load.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
MM="${METAMIGRATE_BIN:-$(command -v metamigrate)}"
[ -x "${MM:-}" ] || { echo "metamigrate not found: run 'make && make install'" >&2; exit 2; }
source "$here/../scripts/lib/cluster.sh"
cluster_start || exit 1
PGBENCH="$PG_BINDIR/pgbench"
work="$(mktemp -d)"
trap 'cluster_stop; rm -rf "$work"' EXIT
chmod 777 "$work"

createdb load
"$PGBENCH" -i -q -s "$scale" load >/dev/null 2>&1 || { echo "pgbench -i failed" >&2; exit 1; }
cd "$work" || exit 1
"$MM" -q scaffold --package load --namespace main --owner-role load_owner >setup.sql
psql -X -q -v ON_ERROR_STOP=1 -d load -f setup.sql >/dev/null
psql -X -q -d load -c "ALTER TABLE pgbench_accounts OWNER TO load_owner"
"$MM" -q revision -m "add note" --rev-id 0001 >/dev/null
file="$(ls migrations/versions/main/0001_*.sql)"
awk '{ print } /^-- metamigrate:upgrade$/ { print "ALTER TABLE pgbench_accounts ADD COLUMN note text;" }
     /^-- metamigrate:downgrade$/ { print "ALTER TABLE pgbench_accounts DROP COLUMN note;" }' "$file" >"$file.new" &&
  mv "$file.new" "$file"
ddl="ALTER TABLE pgbench_accounts ADD COLUMN note text"

now() { date +%s.%N; }
run_variant() { # NAME COMMAND...
  local name="$1" slug
  shift
  slug="$(echo "$name" | tr -c 'a-z0-9' '_')"
  psql -X -q -d load -c "ALTER TABLE pgbench_accounts DROP COLUMN IF EXISTS note" -c "DELETE FROM load_alembic_version" \
    >/dev/null 2>&1
  (cd "$work" && "$PGBENCH" -n -b select-only -c "$clients" -j 2 -T "$seconds" -l --log-prefix "$work/$slug" load \
    >"$work/$slug.pgbench" 2>&1) &
  local bench=$!
  sleep 3
  psql -X -q -d load -c "BEGIN; SELECT count(*) FROM pgbench_accounts; SELECT pg_sleep(6); COMMIT;" >/dev/null 2>&1 &
  local reader=$!
  sleep 1
  local start end rc queued_max=0 q
  start="$(now)"
  "$@" >"$work/$slug.out" 2>&1 &
  local migrator=$!
  while kill -0 "$migrator" 2>/dev/null; do
    q="$(psql -X -At -d load -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE NOT l.granted AND l.relation = 'pgbench_accounts'::regclass AND a.application_name = 'pgbench'" 2>/dev/null)"
    [ -n "$q" ] && [ "$q" -gt "$queued_max" ] && queued_max="$q"
    [ -n "$q" ] && echo "$(now) $q" >>"$work/$slug.samples"
    sleep 0.05
  done
  wait "$migrator"
  rc=$?
  end="$(now)"
  wait "$reader" "$bench"
  python3 - "$name" "$rc" "$start" "$end" "$queued_max" "$work/$slug".* <<'PY' >>"$work/rows"
import glob, sys
name, rc, start, end, queued = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
queued_s = 0.0  # each sample's count times the time to the next sample
lat_window, lat_all = [], []
for path in sys.argv[6:]:
    if path.endswith((".out", ".pgbench")):
        continue
    if path.endswith(".samples"):
        samples = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
        for (t, q), (t_next, _) in zip(samples, samples[1:] + [(end, 0)]):
            queued_s += q * max(0.0, t_next - t)
        continue
    for line in open(path):
        f = line.split()
        if len(f) < 6:
            continue
        latency_ms = int(f[2]) / 1000.0
        ended = int(f[4]) + int(f[5]) / 1e6
        lat_all.append(latency_ms)
        if start <= ended <= end + 0.5:
            lat_window.append(latency_ms)
def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]
slow = sum(1 for v in lat_window if v > 100)
print(f"| {name} | {'yes' if rc == 0 else 'no (exit %d)' % rc} | {end - start:.2f} | {queued} | {queued_s:.1f} | "
      f"{slow} | {pct(lat_window, 99):.1f} | {max(lat_window) if lat_window else float('nan'):.1f} | "
      f"{len(lat_window)} | {pct(lat_all, 50):.2f} |")
PY
}

dsn="dbname=load"
run_variant "psql, no lock_timeout" psql -X -q -d load -c "$ddl"
run_variant "psql, lock_timeout 200ms" psql -X -q -d load -c "SET lock_timeout = '200ms'" -c "$ddl"
run_variant "metamigrate, lock_timeout 200ms" "$MM" --dsn "$dsn" upgrade --lock-timeout 200ms
run_variant "metamigrate, lock_timeout 200ms, 40 retries" "$MM" --dsn "$dsn" upgrade --lock-timeout 200ms \
  --lock-retries 40 --retry-backoff 200ms:1s

mkdir -p "$here/results"
report="$here/results/lock_load-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Lock-aware migration under load ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "pgbench select-only, $clients clients, scale $scale, ${seconds} s; a reader holds pgbench_accounts for 6 s from 3 s;"
  echo "the migration (\`$ddl\`) starts at 4 s. Latencies in ms, of the transactions that ended while it ran."
  echo
  echo "| variant | applied | migration s | max queued sessions | queued session-s | transactions > 100 ms | p99 | max | transactions | overall p50 |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  cat "$work/rows"
} | tee "$report"
echo "written: $report" >&2
