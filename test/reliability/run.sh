#!/usr/bin/env bash
# Reliability of the client and the extension together, on a throwaway
# cluster of its own (it is crashed and restarted):
#   - 8 concurrent `upgrade head` (one transaction, then per revision):
#     every revision applied exactly once; 8 clients registering a new
#     provider at once, `current` racing `upgrade` on a new provider, and
#     8 providers reaping the same expired credentials all succeed;
#   - providers do not block each other; --no-wait fails at once naming the
#     holder; a waiting migrator does not apply twice;
#   - the client killed with SIGKILL at random points (20 runs, one
#     transaction and per revision, upgrades and downgrades): version
#     table, schema, catalog and history stay consistent (all or nothing;
#     a prefix of whole revisions per revision) and the next run finishes;
#   - the server stopped with `pg_ctl stop -m immediate` mid-upgrade, and a
#     terminated connection: the same;
#   - a client killed inside a non-transactional revision: reported by
#     `current`, refused by `upgrade`, finished by `repair --resume`.
# Needs `make` (build/metamigrate) and `make install` (the extension).
# RELIABILITY_SEED=N replays the kill points. Ends with "N passed, M failed".
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
MM="${METAMIGRATE_BIN:-$repo/build/metamigrate}"
[ -x "$MM" ] || { echo "client binary not found at $MM (run make)"; echo "0 passed, 1 failed"; exit 1; }
MM="$(cd "$(dirname "$MM")" && pwd)/$(basename "$MM")"
unset METAMIGRATE_DSN DATABASE_URL PGDATABASE PGPASSWORD PGSERVICE

passed=0
failed=0
WORK="$(mktemp -d /tmp/metamigrate-reliability.XXXXXX)"
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  [ -s "$WORK/err" ] && sed 's/^/       stderr| /' "$WORK/err" | head -12
  return 0
}
check() {
  local what="$1"
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi; }

# shellcheck source=../../scripts/lib/cluster.sh
source "$repo/scripts/lib/cluster.sh"
cluster_start || { echo "0 passed, 1 failed"; exit 1; }
trap 'stop_psql; cluster_stop; rm -rf "$WORK"' EXIT
SERVER_OPTS="-p $PGPORT -k $MM_CLUSTER_DIR $MM_CLUSTER_SETTINGS"
restart_server() {
  as_server_user "$PG_BINDIR/pg_ctl" -D "$MM_CLUSTER_DIR/data" -l "$MM_CLUSTER_DIR/server.log" -w -t 60 \
    -o "$SERVER_OPTS" start >/dev/null 2>&1
}
crash_server() { as_server_user "$PG_BINDIR/pg_ctl" -D "$MM_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1; }

seed="${RELIABILITY_SEED:-$$}"
RANDOM=$seed
echo "reliability: seed $seed (RELIABILITY_SEED=$seed replays the kill points)"
started=$SECONDS

DB=rel
createdb "$DB"
# One psql session answers the many small queries (starting psql for
# each costs more than the query); restarted after a server crash.
start_psql() {
  coproc PSQL { psql -X -q -At -d "$DB" 2>&1; }
}
stop_psql() {
  [ -n "${PSQL_PID:-}" ] || return 0
  exec {PSQL[1]}>&- 2>/dev/null
  wait "$PSQL_PID" 2>/dev/null
}
sql() {  # sql -c QUERY: one value per line, like psql -At
  local query="$2" line out=""
  # The marker goes in as an argument: printf would read \e in its format.
  printf '%s;\n%s\n' "${query%;}" '\echo __mm_end__' >&"${PSQL[1]}" || return 1
  while IFS= read -r -t 30 line <&"${PSQL[0]}"; do
    [ "$line" = __mm_end__ ] && break
    out+="${out:+$'\n'}$line"
  done
  printf '%s\n' "$out"
}
section() { echo "== $* (at $((SECONDS - started))s)"; }
psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE ROLE rel_owner NOLOGIN; CREATE EXTENSION metamigrate;
        GRANT USAGE ON SCHEMA metamigrate TO rel_owner; GRANT USAGE, CREATE ON SCHEMA public TO rel_owner;
        CREATE TABLE public.hook_calls (provider text, operation text, at timestamptz DEFAULT clock_timestamp());
        GRANT INSERT ON public.hook_calls TO rel_owner;
        CREATE FUNCTION public.rel_hook(finalized jsonb) RETURNS void LANGUAGE sql AS
          \$\$ INSERT INTO public.hook_calls (provider, operation) VALUES (finalized ->> 'migration_provider_key', finalized ->> 'operation') \$\$;"

# state(PKG, N, STRICT): "k=K ok" or "k=K BAD: ...": provider PKG:main has
# a linear chain r1..rN, revision rI creating table PKG_tI with 500 rows.
psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" <<'EOF'
CREATE FUNCTION public.state(pkg text, n int, strict boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  heads text[] := '{}';
  k int;
  net int;
  cnt bigint;
  problems text[] := '{}';
  key text := pkg || ':main';
BEGIN
  IF to_regclass(format('public.%I', pkg || '_alembic_version')) IS NOT NULL THEN
    EXECUTE format('SELECT COALESCE(array_agg(version_num::text ORDER BY version_num), ''{}'') FROM public.%I',
                   pkg || '_alembic_version') INTO heads;
  END IF;
  IF cardinality(heads) > 1 THEN problems := problems || ('several heads ' || heads::text); END IF;
  k := COALESCE(substr(heads[1], 2)::int, 0);
  FOR i IN 1..n LOOP
    IF (to_regclass(format('public.%I', pkg || '_t' || i)) IS NOT NULL) <> (i <= k) THEN
      problems := problems || format('table %s_t%s exists=%s', pkg, i, i > k);
    ELSIF i <= k THEN
      EXECUTE format('SELECT count(*) FROM public.%I', pkg || '_t' || i) INTO cnt;
      IF cnt <> 500 THEN problems := problems || format('%s_t%s has %s rows', pkg, i, cnt); END IF;
    END IF;
    SELECT count(*) FILTER (WHERE direction = 'upgrade') - count(*) FILTER (WHERE direction = 'downgrade') INTO net
      FROM metamigrate.history WHERE provider = key AND revision = 'r' || i;
    IF net <> (i <= k)::int THEN problems := problems || format('history r%s net %s', i, net); END IF;
  END LOOP;
  IF COALESCE((SELECT heads_after FROM metamigrate.history WHERE provider = key ORDER BY id DESC LIMIT 1), '{}')
     IS DISTINCT FROM heads THEN
    problems := problems || 'history heads_after differs from the version table'::text;
  END IF;
  IF EXISTS (SELECT 1 FROM metamigrate.meta_table m WHERE m.provider = key AND m.kind = 'meta_table'
              AND m.status = 'active' AND m.table_oid IS DISTINCT FROM to_regclass('public.' || m.table_name)::oid) THEN
    problems := problems || 'an active catalog row without its table'::text;
  END IF;
  IF strict THEN
    FOR i IN 1..k LOOP
      IF NOT EXISTS (SELECT 1 FROM metamigrate.meta_table m WHERE m.provider = key AND m.table_name = pkg || '_t' || i
                      AND m.status = 'active') THEN
        problems := problems || format('%s_t%s not active in the catalog', pkg, i);
      END IF;
    END LOOP;
  END IF;
  RETURN 'k=' || k || CASE WHEN cardinality(problems) = 0 THEN ' ok' ELSE ' BAD: ' || array_to_string(problems, '; ') END;
END $$;
EOF

# make_provider PKG N SLEEP [nometatables]: a provider directory $WORK/PKG.
make_provider() {
  local pkg="$1" n="$2" pause="$3" dir="$WORK/$1" tables="" i
  mkdir -p "$dir/versions/main"
  for i in $(seq 1 "$n"); do
    tables+="${tables:+, }{\"table\": \"${pkg}_t$i\", \"identifier\": \"$pkg.T$i\"}"
    {
      printf -- '-- metamigrate:revision\n-- revision: r%s\n-- down_revision: %s\n-- message: table %s\n\n' \
        "$i" "$([ "$i" -gt 1 ] && echo "r$((i - 1))")" "$i"
      printf -- '-- metamigrate:upgrade\nCREATE TABLE %s_t%s (id int PRIMARY KEY, v text NOT NULL);\n' "$pkg" "$i"
      printf -- 'INSERT INTO %s_t%s SELECT g, md5(g::text) FROM generate_series(1, 500) g;\n' "$pkg" "$i"
      [ "$pause" != 0 ] && printf -- 'SELECT pg_sleep(%s);\n' "$pause"
      printf -- '\n-- metamigrate:downgrade\nDROP TABLE %s_t%s;\n' "$pkg" "$i"
    } >"$dir/versions/main/r${i}_table_$i.sql"
  done
  [ "${4:-}" = nometatables ] && tables=""
  cat >"$dir/metamigrate.json" <<EOF
{
  "package": "$pkg",
  "namespace": "main",
  "owner_role": "rel_owner",
  "metatables": [$tables],
  "after_register": "public.rel_hook"
}
EOF
}
mm() {  # PKG ARGS...: the client on provider PKG
  local pkg="$1"
  shift
  "$MM" --dsn "dbname=$DB" --provider "$WORK/$pkg" "$@"
}
# mm_exec PKG ARGS... &: the same in the background, with $! the client's
# own pid (the background subshell execs it), so kill -9 hits the client.
mm_exec() {
  local pkg="$1"
  shift
  exec "$MM" --dsn "dbname=$DB" --provider "$WORK/$pkg" "$@"
}
# Waits until no session of the client is left in the database (a killed
# client's backend finishes its statement first).
wait_idle() {
  local _
  for _ in $(seq 150); do
    [ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                 AND application_name LIKE 'metamigrate%' AND pid <> pg_backend_pid()" 2>/dev/null)" = 0 ] && return 0
    sleep 0.1
  done
  return 1
}
now_ms() { date +%s%3N; }

start_psql
make_provider rel 6 0
make_provider quick 1 0
make_provider slow 1 3 nometatables
make_provider crash 4 0.5
make_provider nt 1 0

# start_client C PKG ARGS...: client C runs `mm PKG ARGS...` in the
# background (output in $WORK/cC.out and .err, pid appended to $pids).
start_client() {
  local c="$1"
  shift
  mm "$@" >"$WORK/c$c.out" 2>"$WORK/c$c.err" &
  pids+=($!)
}
# await_clients: waits for the clients in $pids (numbered from 1) and
# empties it; $codes gets their exit codes in order, $WORK/err the first
# failure's stderr.
await_clients() {
  local c=0 p rc
  codes=""
  : >"$WORK/err"
  for p in "${pids[@]}"; do
    c=$((c + 1))
    wait "$p"
    rc=$?
    codes+="$rc"
    [ "$rc" != 0 ] && [ ! -s "$WORK/err" ] && cp "$WORK/c$c.err" "$WORK/err"
  done
  pids=()
}
# concurrently PKG N ARGS...: N clients run `mm PKG ARGS...` at once.
concurrently() {
  local pkg="$1" n="$2" c
  shift 2
  pids=()
  for c in $(seq "$n"); do start_client "$c" "$pkg" "$@"; done
  await_clients
}

section "8 concurrent migrators, one transaction"
concurrently rel 8 upgrade head
check_eq "all 8 exit 0" "$codes" 00000000
check_eq "state after 8 concurrent upgrades" "$(sql -c "SELECT state('rel', 6, true)")" "k=6 ok"
check_eq "each revision applied exactly once" \
  "$(sql -c "SELECT count(*) || '/' || count(DISTINCT revision) FROM metamigrate.history WHERE provider = 'rel:main' AND direction = 'upgrade'")" "6/6"
check_eq "six revisions reported applied across the 8 outputs" "$(cat "$WORK"/c*.out | grep -c '^  upgrade r')" 6
: >"$WORK/err"
mm rel -q downgrade base >/dev/null 2>"$WORK/err"
check_eq "downgrade to base" "$(sql -c "SELECT state('rel', 6, true)")" "k=0 ok"

section "8 concurrent migrators, one transaction per revision"
concurrently rel 8 upgrade head --transaction-per-revision
check_eq "all 8 exit 0" "$codes" 00000000
check_eq "state after 8 concurrent per-revision upgrades" "$(sql -c "SELECT state('rel', 6, true)")" "k=6 ok"
check_eq "each revision applied exactly once more" \
  "$(sql -c "SELECT count(*) FROM metamigrate.history WHERE provider = 'rel:main' AND direction = 'upgrade'")" 12

section "8 concurrent first registrations of a new provider, 6 times"
# The clients race to insert the provider row; once this failed with a
# raw unique violation of the version table's index.
for round in 1 2 3 4 5 6; do
  make_provider "fresh$round" 1 0 nometatables
  concurrently "fresh$round" 8 upgrade head
  check_eq "round $round: all 8 exit 0" "$codes" 00000000
  check_eq "round $round: one client reports registering the provider" \
    "$(cat "$WORK"/c*.err "$WORK"/c*.out | grep -c "^registered provider fresh$round:main")" 1
  check_eq "round $round: the revision ran once" \
    "$(sql -c "SELECT count(*) FROM metamigrate.history WHERE provider = 'fresh$round:main'")" 1
done

section "4 current and 4 upgrade at once on a new provider, 3 times"
# Both create the provider's version-table row in the MetaTable catalog.
for round in 1 2 3; do
  make_provider "mixed$round" 1 0 nometatables
  pids=()
  for c in 1 2 3 4 5 6 7 8; do
    command=current; [ $((c % 2)) = 0 ] && command=upgrade
    start_client "$c" "mixed$round" "$command"
  done
  await_clients
  check_eq "round $round: all 8 exit 0" "$codes" 00000000
  check_eq "round $round: one version-table row" \
    "$(sql -c "SELECT count(*) FROM metamigrate.meta_table WHERE provider = 'mixed$round:main' AND kind = 'alembic_version'")" 1
done

section "8 providers at once while expired credentials wait to be reaped, 3 times"
# Every migrator reaps expired temporary logins; once two dropping the
# same role failed one of them ("tuple concurrently deleted").
for c in 1 2 3 4 5 6 7 8; do make_provider "reap$c" 1 0 nometatables; done
for round in 1 2 3; do
  for c in 1 2 3 4 5 6; do mm "reap$c" -q current --credential-ttl 1s >/dev/null 2>&1; done
  sleep 1.1
  pids=()
  for c in 1 2 3 4 5 6 7 8; do start_client "$c" "reap$c" upgrade; done
  await_clients
  check_eq "round $round: all 8 exit 0" "$codes" 00000000
  check_eq "round $round: no expired credential left (idle)" \
    "$(sql -c "SELECT count(*) FROM metamigrate.credential c WHERE c.expires_at < now() - interval '2 seconds'")" 0
done

section "providers do not block each other; --no-wait; waiting does not apply twice"
mm slow -q upgrade >"$WORK/slow.out" 2>"$WORK/slow.err" &
slow=$!
for _ in $(seq 100); do
  [ "$(sql -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1835888493 AND objid = hashtext('slow:main')::oid AND granted")" -ge 1 ] && break
  sleep 0.05
done
t0=$(now_ms)
mm quick -q upgrade >"$WORK/out" 2>"$WORK/err"
rc=$?
check "another provider migrates while slow:main holds its lock" \
  bash -c "[ $rc -eq 0 ] && kill -0 $slow 2>/dev/null"
pids=()
for c in 1 2 3; do
  ( t=$(now_ms); mm slow upgrade --no-wait >"$WORK/nw$c.out" 2>"$WORK/nw$c.err"; echo "$? $(( $(now_ms) - t ))" >"$WORK/nw$c.rc" ) &
  pids+=($!)
done
mm slow -q upgrade >"$WORK/wait.out" 2>"$WORK/wait.err" &
waiter=$!
for p in "${pids[@]}"; do wait "$p"; done
for c in 1 2 3; do
  read -r nrc nms <"$WORK/nw$c.rc"
  cp "$WORK/nw$c.err" "$WORK/err"
  check "--no-wait client $c: exit 1 at once (${nms} ms) while slow:main is held" \
    bash -c "[ $nrc -eq 1 ] && kill -0 $slow 2>/dev/null"
  check "--no-wait client $c names the provider and the holder (pid, user, since)" \
    bash -c "grep -q 'another migration of provider \"slow:main\" is in progress' '$WORK/err' &&
             grep -qE 'held by pid [0-9]+, user mm_tmp_slow_[0-9a-f]+ \(temporary migration login issued to postgres\), since 20' '$WORK/err'"
  check "--no-wait client $c: its own SQLSTATE, not a lock timeout's 55P03" grep -q 'error \[MM006\]' "$WORK/err"
done
wait "$slow"
check_eq "the slow migration itself succeeded" "$?" 0
wait "$waiter"
wrc=$?
cp "$WORK/wait.err" "$WORK/err"
check_eq "the waiting migrator exits 0" "$wrc" 0
check "it found nothing left to do" grep -q "already at r1; nothing to upgrade" "$WORK/wait.out"
check_eq "slow:main's revision ran exactly once" \
  "$(sql -c "SELECT count(*) FROM metamigrate.history WHERE provider = 'slow:main' AND direction = 'upgrade'")" 1

section "SIGKILL at random points"
kill_round() {  # N MODE(one|per) DIRECTION(upgrade|downgrade)
  local n="$1" mode="$2" direction="$3" delay target expected strict args=() state rc
  target=head; expected=6
  [ "$direction" = downgrade ] && { target=base; expected=0; }
  [ "$mode" = per ] && args+=(--transaction-per-revision)
  strict=true; [ "$mode" = per ] && strict=false
  delay=$((RANDOM % 1300))
  mm_exec rel "$direction" "$target" "${args[@]}" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  : >"$WORK/err"
  wait_idle || fail "kill $n: sessions of the killed client did not end"
  state="$(sql -c "SELECT state('rel', 6, $strict)")"
  check "kill $n ($mode, $direction, SIGKILL after ${delay} ms): consistent, $state" bash -c "[[ '$state' == *' ok' ]]"
  mm rel "$direction" "$target" "${args[@]}" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  state="$(sql -c "SELECT state('rel', 6, true)")"
  check "kill $n: the next $direction finishes the job ($state)" bash -c "[ $rc -eq 0 ] && [ '$state' = 'k=$expected ok' ]"
}
direction=downgrade
for n in $(seq 1 20); do
  mode=one
  [ "$n" -gt 11 ] && mode=per
  kill_round "$n" "$mode" "$direction"
  [ "$direction" = downgrade ] && direction=upgrade || direction=downgrade
done

section "server crash (pg_ctl stop -m immediate) during an upgrade"
crash_round() {  # MODE(one|per)
  local mode="$1" args=() state rc strict=true
  [ "$mode" = per ] && { args+=(--transaction-per-revision); strict=false; }
  mm crash -q downgrade base >/dev/null 2>&1
  local last_step
  last_step="$(sql -c "SELECT COALESCE(max(id), 0) FROM metamigrate.history")"
  mm_exec crash upgrade "${args[@]}" >"$WORK/out" 2>"$WORK/err" &
  local pid=$!
  # Crash while the second revision runs (the first is committed per revision).
  for _ in $(seq 200); do
    if [ "$mode" = per ]; then
      [ "$(sql -c "SELECT count(*) FROM metamigrate.history WHERE provider = 'crash:main' AND id > $last_step")" -ge 1 ] && break
    else
      [ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%metamigrate.upgrade(%' AND state = 'active'")" -ge 1 ] &&
        { sleep 0.7; break; }
    fi
    sleep 0.02
  done
  stop_psql
  crash_server
  wait "$pid"
  rc=$?
  check "$mode: the client fails (exit $rc) and says the connection was lost" \
    bash -c "[ $rc -eq 1 ] && grep -qiE 'connection|terminat|server closed' '$WORK/err'"
  restart_server || { fail "the server does not restart"; return; }
  start_psql
  state="$(sql -c "SELECT state('crash', 4, $strict)")"
  check "$mode: consistent after the crash ($state)" bash -c "[[ '$state' == *' ok' ]]"
  if [ "$mode" = one ]; then
    check_eq "one transaction: nothing of it applied" "$state" "k=0 ok"
  else
    check "per revision: a prefix of whole revisions ($state)" bash -c "[[ '$state' =~ ^k=[1-3]\ ok$ ]]"
  fi
  mm crash upgrade "${args[@]}" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  check_eq "$mode: the next upgrade finishes the job" "$rc $(sql -c "SELECT state('crash', 4, true)")" "0 k=4 ok"
}
crash_round one
crash_round per

section "a terminated connection during an upgrade"
mm crash -q downgrade base >/dev/null 2>&1
mm_exec crash upgrade --transaction-per-revision >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 100); do
  [ "$(sql -c "SELECT to_regclass('public.crash_t1') IS NOT NULL")" = t ] && break
  sleep 0.05
done
sql -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'metamigrate for postgres'" >/dev/null
wait "$pid"
rc=$?
check "the client fails (exit $rc) naming the terminated connection" \
  bash -c "[ $rc -eq 1 ] && grep -qiE 'terminat|connection' '$WORK/err'"
state="$(sql -c "SELECT state('crash', 4, false)")"
check "consistent: a prefix of whole revisions ($state)" bash -c "[[ '$state' =~ ^k=[0-3]\ ok$ ]]"
mm crash upgrade >"$WORK/out" 2>"$WORK/err"
check_eq "the next upgrade finishes the job" "$? $(sql -c "SELECT state('crash', 4, true)")" "0 k=4 ok"

section "SIGKILL inside a non-transactional revision"
cat >"$WORK/nt/versions/main/r2_index.sql" <<'EOF'
-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- message: index, pause, table
-- transactional: false

-- metamigrate:upgrade
CREATE INDEX CONCURRENTLY nt_t1_v_idx ON nt_t1 (v);
SELECT pg_sleep(2);
CREATE TABLE nt_after (id int);

-- metamigrate:downgrade
DROP TABLE nt_after;
DROP INDEX CONCURRENTLY nt_t1_v_idx;
EOF
mm_exec nt upgrade >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do
  [ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(2)%'")" -ge 1 ] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
wait_idle
mm nt current >"$WORK/out" 2>"$WORK/err"
check "current reports the interrupted revision" \
  bash -c "grep -q 'revision r2 (upgrade, non-transactional) was interrupted' '$WORK/err' &&
           grep -q 'the client stopped (killed, crashed or lost its connection) while statement 2' '$WORK/err'"
mm nt upgrade >"$WORK/out" 2>"$WORK/err"
check "upgrade refuses to run it again from statement 1 (exit $?)" grep -q "refusing to upgrade nt:main: revision r2" "$WORK/err"
check_eq "statement 1 is committed, the revision is not recorded" \
  "$(sql -c "SELECT (to_regclass('nt_t1_v_idx') IS NOT NULL) || ' ' || (SELECT string_agg(version_num, ',') FROM nt_alembic_version)")" "true r1"
mm nt repair --resume >"$WORK/out" 2>"$WORK/err"
check "repair --resume runs statements 2-3 and records it (exit $?)" grep -q "resumed r2 (upgrade): ran statements 2-3" "$WORK/out"
check_eq "recorded, the rest ran" \
  "$(sql -c "SELECT (to_regclass('nt_after') IS NOT NULL) || ' ' || (SELECT string_agg(version_num, ',') FROM nt_alembic_version)")" "true r2"
mm nt upgrade >"$WORK/out" 2>"$WORK/err"
check "the next upgrade has nothing left (exit $?)" grep -q "already at r2" "$WORK/out"

echo "reliability: $((SECONDS - started))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
