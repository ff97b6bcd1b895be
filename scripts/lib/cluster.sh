# Throwaway PostgreSQL cluster for tests and the demo. Source this file,
# then `cluster_start`; it exports PGHOST/PGPORT/PGUSER/PGDATABASE and
# registers `cluster_stop` to run on exit, also on failure.
#
# The server refuses to run as root, so when we are root it runs as the
# `postgres` OS user; the socket lives in a private directory under /tmp.

PG_BINDIR="$("${PG_CONFIG:-pg_config}" --bindir)"

as_server_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The server's settings, for cluster_start and for suites that restart it.
# The lock table holds 40,960 locks: test/resources creates 5,000 tables in
# one transaction.
MM_CLUSTER_SETTINGS="-c listen_addresses='' -c fsync=off -c max_connections=40 -c max_locks_per_transaction=1024"

cluster_start() {
  MM_CLUSTER_DIR="$(mktemp -d /tmp/metamigrate-pg.XXXXXX)"
  chmod 755 "$MM_CLUSTER_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$MM_CLUSTER_DIR"
  trap cluster_stop EXIT
  as_server_user "$PG_BINDIR/initdb" -D "$MM_CLUSTER_DIR/data" -A trust -U postgres -E UTF8 --locale=C \
    --no-sync >"$MM_CLUSTER_DIR/initdb.log" 2>&1 || { cat "$MM_CLUSTER_DIR/initdb.log" >&2; return 1; }
  local port attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + (RANDOM % 30000) ))
    if as_server_user "$PG_BINDIR/pg_ctl" -D "$MM_CLUSTER_DIR/data" -l "$MM_CLUSTER_DIR/server.log" -w -t 60 \
        -o "-p $port -k $MM_CLUSTER_DIR $MM_CLUSTER_SETTINGS" \
        start >/dev/null 2>&1; then
      export PGHOST="$MM_CLUSTER_DIR" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
      echo "throwaway cluster on port $port (socket $MM_CLUSTER_DIR)" >&2
      return 0
    fi
  done
  echo "could not start a throwaway cluster; server log:" >&2
  cat "$MM_CLUSTER_DIR/server.log" >&2 || true
  return 1
}

cluster_stop() {
  [ -n "${MM_CLUSTER_DIR:-}" ] && [ -d "$MM_CLUSTER_DIR" ] || return 0
  as_server_user "$PG_BINDIR/pg_ctl" -D "$MM_CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$MM_CLUSTER_DIR"
  MM_CLUSTER_DIR=
}
