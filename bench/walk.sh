#!/usr/bin/env bash
# Round trips and statements of `metamigrate upgrade` in each mode, counted
# on the wire by bench/walk.py (docs/architecture.md, "The walk").
#
#   bench/walk.sh [METAMIGRATE_BINARY]     (default: build/metamigrate)
#
# Runs against the cluster of the PG* environment variables as a superuser
# (it creates and drops databases walk_a..walk_d and the role walk_owner).
# Scenarios, each on a fresh database:
#   a  one transactional revision (one transaction, the default)
#   b  two revisions, --transaction-per-revision
#   c  a non-transactional revision already applied, then one transactional
#      revision: the plan holds no non-transactional step
#   d  a plan holding a non-transactional revision (in parts)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:-$here/../build/metamigrate}")"
command -v strace >/dev/null || { echo "bench/walk.sh: needs strace (apt-get install strace)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"; for d in a b c d; do dropdb --if-exists "walk_$d" 2>/dev/null; done' EXIT
cd "$work"

revision() { # ID UP [--non-transactional]
  local id="$1" up="$2"
  shift 2
  "$bin" -q revision -m "r$id" --rev-id "$id" "$@" >/dev/null
  local file
  file="$(ls migrations/versions/main/"$id"_*.sql)"
  UP="$up" awk '{ print } /^-- metamigrate:upgrade$/ { print ENVIRON["UP"] }' "$file" >"$file.new" && mv "$file.new" "$file"
}
fresh() { # DB
  dropdb --if-exists "$1" && createdb "$1"
  psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f setup.sql >/dev/null 2>&1
}
walk() { # TITLE DB ARGS...
  local title="$1" db="$2"
  shift 2
  echo "== $title"
  python3 "$here/walk.py" -- "$bin" -q --dsn "dbname=$db" "$@" 2>/dev/null | tail -n +1
}

"$bin" -q scaffold --package walk --namespace main --owner-role walk_owner >setup.sql
revision 0001 "CREATE TABLE t1 (id int PRIMARY KEY);"
fresh walk_a
walk "a: one transaction" walk_a upgrade head

revision 0002 "CREATE TABLE t2 (id int PRIMARY KEY);"
fresh walk_b
walk "b: transaction per revision" walk_b upgrade head --transaction-per-revision

revision 0003 "CREATE INDEX CONCURRENTLY t1_id ON t1 (id);" --non-transactional
revision 0004 "CREATE TABLE t4 (id int PRIMARY KEY);"
fresh walk_c
"$bin" -q --dsn dbname=walk_c upgrade 0003 >/dev/null
walk "c: a non-transactional file outside the plan" walk_c upgrade head

fresh walk_d
"$bin" -q --dsn dbname=walk_d upgrade 0002 >/dev/null
walk "d: in parts" walk_d upgrade head
