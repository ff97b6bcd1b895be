#!/usr/bin/env bash
# metamigrate benchmark: one command, its own throwaway cluster.
#
#   bench/run.sh [--k 1000] [--reps 5] [--quick] [--no-extras] [--keep-cluster] [-- bench.py options]
#
# Starts a private PostgreSQL cluster (on tmpfs /dev/shm when available, as
# the `postgres` OS user when run as root, Unix socket only), generates the
# workload, times psql -1 -f (the floor), metamigrate (client and SQL) and
# Alembic on fresh databases, checks every tool's schema against the
# floor's, and writes bench/results/<stamp>-k<K>.{md,json} and latest.*.
# The cluster is always stopped and removed on exit.
#
# --quick: K=20, 1 round, no warm-up, small extras: a smoke run of every code
# path and every check (the numbers mean nothing).
# Exit status: 0 when every tool ran and every schema check passed, 1 when a
# tool failed or a schema differs, 2 on bad usage or missing prerequisites.
# Timings never make it fail.
#
# Needs: make && make install done (extension + /usr/local/bin/metamigrate),
# Debian python3-alembic, python3-psycopg2, python3-sqlalchemy, and g++ with
# libpq-dev for bench/autogenerate_client.cpp.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

k=1000
reps=5
quick=0
keep_cluster=0
extra=()
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --k) k="${2:?--k needs a number}"; shift 2 ;;
    --k=*) k="${1#--k=}"; shift ;;
    --reps) reps="${2:?--reps needs a number}"; shift 2 ;;
    --reps=*) reps="${1#--reps=}"; shift ;;
    --quick) quick=1; shift ;;
    --keep-cluster) keep_cluster=1; shift ;;
    --no-extras) extra+=(--no-extras); shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra+=("$@"); break ;;
    *) echo "bench/run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$k$reps" in *[!0-9]*|"") echo "bench/run.sh: --k and --reps take positive integers" >&2; exit 2 ;; esac
[ "$k" -ge 1 ] && [ "$reps" -ge 1 ] || { echo "bench/run.sh: --k and --reps take positive integers" >&2; exit 2; }
if [ "$quick" = 1 ]; then
  k=20
  reps=1
  extra=(--warmup 0 --extra-reps 1 --tools "floor,metamigrate (client),metamigrate (SQL),alembic" --finalize-sizes 20,100 --history-rows 100 --memory-ks 20,50 --autogenerate-sizes 50 --current-runs 1 --step-timeout 120 "${extra[@]}")
fi

PY=/usr/bin/python3   # Debian's interpreter: the one with alembic and psycopg2
PG_CONFIG="${PG_CONFIG:-pg_config}"
PG_BINDIR="$("$PG_CONFIG" --bindir)" || { echo "pg_config not found" >&2; exit 2; }
MM_BIN="${METAMIGRATE_BIN:-$(command -v metamigrate)}"
[ -x "${MM_BIN:-}" ] || { echo "metamigrate client not found: run 'make && make install'" >&2; exit 2; }
"$PY" -c 'import alembic, psycopg2, sqlalchemy' 2>/dev/null ||
  { echo "$PY lacks alembic/psycopg2/sqlalchemy (apt-get install python3-alembic python3-psycopg2 python3-sqlalchemy)" >&2; exit 2; }
[ -f "$("$PG_CONFIG" --sharedir)/extension/metamigrate.control" ] ||
  { echo "extension metamigrate is not installed for $PG_CONFIG: run 'make install'" >&2; exit 2; }

# ---------------------------------------------------------------- throwaway cluster
as_server_user() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
BENCH_DIR="$(mktemp -d "$base/metamigrate-bench.XXXXXX")"
chmod 755 "$BENCH_DIR"
[ "$(id -u)" = 0 ] && chown postgres: "$BENCH_DIR"
stop_cluster() {
  if [ -f "$BENCH_DIR/data/postmaster.pid" ]; then
    as_server_user "$PG_BINDIR/pg_ctl" -D "$BENCH_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      as_server_user "$PG_BINDIR/pg_ctl" -D "$BENCH_DIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  if [ "$keep_cluster" = 1 ]; then echo "kept $BENCH_DIR" >&2; else rm -rf "$BENCH_DIR"; fi
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

# Same settings for every tool. max_locks_per_transaction: downgrade base of
# K tables in one transaction locks ~5 relations per table (table, primary
# key, index, TOAST table and index); the default 64 x max_connections is far
# too small for K=1000.
SETTINGS=(-c fsync=off -c max_connections=20 -c max_locks_per_transaction=8192 -c listen_addresses=''
          -c log_min_messages=warning -c log_statement=none)
as_server_user "$PG_BINDIR/initdb" -D "$BENCH_DIR/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
  >"$BENCH_DIR/initdb.log" 2>&1 || { cat "$BENCH_DIR/initdb.log" >&2; exit 1; }
started=0
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  port=$(( 20000 + (RANDOM % 30000) ))
  if as_server_user "$PG_BINDIR/pg_ctl" -D "$BENCH_DIR/data" -l "$BENCH_DIR/server.log" -w -t 60 \
      -o "-p $port -k $BENCH_DIR ${SETTINGS[*]}" start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ "$started" != 1 ]; then echo "could not start the benchmark cluster:" >&2; cat "$BENCH_DIR/server.log" >&2; exit 1; fi
export PGHOST="$BENCH_DIR" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
unset METAMIGRATE_DSN DATABASE_URL PGSERVICE PGPASSWORD
echo "benchmark cluster: $BENCH_DIR (port $port), K=$k, rounds=$reps$([ "$quick" = 1 ] && echo ', quick')"

mkdir -p "$BENCH_DIR/work" "$here/results"
# The autogenerate extra's libpq client (what the metamigrate client does, timed without a Python binding).
AG_CLIENT="$BENCH_DIR/work/autogenerate_client"
# Only the autogenerate extra needs it: bench.py refuses that extra without it.
g++ -std=c++17 -O2 -Wall -Wextra -I"$("$PG_CONFIG" --includedir)" "$here/autogenerate_client.cpp" \
  -L"$("$PG_CONFIG" --libdir)" -lpq -o "$AG_CLIENT" ||
  echo "could not build bench/autogenerate_client.cpp (needs g++ and libpq-dev): no autogenerate extra" >&2
"$PY" "$here/bench.py" --k "$k" --reps "$reps" --out-dir "$here/results" --work "$BENCH_DIR/work" \
  --mm-bin "$MM_BIN" --autogenerate-client "$AG_CLIENT" $([ "$quick" = 1 ] && echo "--label quick") "${extra[@]}"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || rc=1
exit "$rc"
