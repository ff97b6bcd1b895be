# Sourced by run.sh (uses its helpers and counters): graph-only commands
# read revision headers from the per-user cache, never a stale one, and
# `current` on a registered provider writes nothing; on a database and
# provider of their own.

echo "== revision header cache and read-only current"
HDB="mmct_hc_$suffix"
HOWNER="mmct_hc_owner_$suffix"
HP="$WORK/hc/migrations"
HV="$HP/versions/main"
HCACHE="$WORK/hc/cache"
EXTRA_DBS+=("$HDB")
EXTRA_ROLES+=("$HOWNER")
createdb "$HDB"
hm() { METAMIGRATE_CACHE_DIR="$HCACHE" run --dsn "dbname=$HDB" --provider "$HP" "$@"; }
hm_expect() { expect_with hm "$@"; }
hm_expect 0 "scaffold" scaffold --package hc --namespace main --owner-role "$HOWNER" --dir "$HP"
sql -d "$HDB" -f "$WORK/out" >/dev/null
for id in h1 h2 h3; do
  hm_expect 0 "revision $id" revision -m "step $id" --rev-id "$id"
  fill_revision_in "$HV" "$id" "CREATE TABLE hc_$id (id int);" "DROP TABLE hc_$id;"
done
# Files changed (ctime) within the racy margin before the cache is written
# are read again: let the margin pass first.
sleep 2.1
hm_expect 0 "heads -v, first run" -v heads
check "first run reads every file" err_has "revision headers: 3 read from their files, 0 unchanged ones from the cache"
hm_expect 0 "heads -v, second run" -v heads
check "second run reads none" err_has "revision headers: 0 read from their files, 3 unchanged ones from the cache"
check "and shows the head" out_has "h3 (head)"

# An in-place edit that keeps the size and puts the mtime back: only the
# ctime tells, and that is enough.
f3="$(ls "$HV"/h3_*.sql)"
mtime="$(stat -c %y "$f3")"
sed -i.bak 's/^-- down_revision: h2$/-- down_revision: h1/' "$f3"
rm -f "$f3.bak"
touch -d "$mtime" "$f3"
hm_expect 0 "heads -v after an in-place edit" -v heads
check "the edited file is read again" err_has "revision headers: 1 read from their files, 2 unchanged ones from the cache"
check "and its new parent counts: h2 is a head now" out_has "h2 (head)"
fill_revision_in "$HV" h3 "CREATE TABLE hc_h3 (id int);" "DROP TABLE hc_h3;"
sed -i 's/^-- down_revision: h1$/-- down_revision: h2/' "$f3"

# A damaged cache costs only speed.
for c in "$HCACHE"/revision-headers/*.txt; do printf 'format garbage\n' >"$c"; done
hm_expect 0 "heads with a damaged cache" -v heads
check "a damaged cache is read as empty" err_has "3 read from their files"
check "heads still right" out_has "h3 (head)"
# An unwritable cache directory costs only speed too.
METAMIGRATE_CACHE_DIR=/proc/no-such-dir run --dsn "dbname=$HDB" --provider "$HP" heads
check_eq "heads with an unwritable cache directory" "$rc" 0
# Caching off (empty METAMIGRATE_CACHE_DIR).
METAMIGRATE_CACHE_DIR= run --provider "$HP" -v heads
check "METAMIGRATE_CACHE_DIR= turns the cache off" err_has "revision headers: 3 read from their files, 0 unchanged ones"

# A broken body does not stop graph-only commands; upgrade still refuses it.
printf '\n-- metamigrate:bogus\n' >>"$f3"
hm_expect 0 "heads ignores the SQL sections" heads
hm_expect 2 "upgrade reads the whole file" upgrade
check "and names the bad marker" err_has "unknown marker"
fill_revision_in "$HV" h3 "CREATE TABLE hc_h3 (id int);" "DROP TABLE hc_h3;"

hm_expect 0 "upgrade" upgrade
state_before="$(sql -d "$HDB" -c "SELECT xmin::text || registered_at::text || coalesce(schemas::text, '') FROM metamigrate.provider")"
hm_expect 0 "current -v on the registered provider" -v current
check "current takes the read-only path" err_has "server: metamigrate.provider_state (registered as the manifest says)"
check "current marks the head" out_has "h3 (head)"
check "current wrote no new provider row version" \
  test "$(sql -d "$HDB" -c "SELECT xmin::text || registered_at::text || coalesce(schemas::text, '') FROM metamigrate.provider")" = "$state_before"
# Without -v, current reads the registration in plain SQL and the version
# table itself (COPY): the extension's library is not needed for it.
sql -d "$HDB" -c "ALTER DATABASE \"$HDB\" SET track_functions = 'all'" >/dev/null
sql -d "$HDB" -c "SELECT pg_stat_reset()" >/dev/null
hm_expect 0 "current on the registered provider" current
check "current marks the head" out_has "h3 (head)"
calls() {
  sql -d "$HDB" -c "SELECT coalesce(string_agg(funcname || '=' || calls, ',' ORDER BY funcname), 'none')
    FROM pg_stat_user_functions WHERE funcname IN ('provider_registration', 'provider_state')"
}
for _ in $(seq 20); do [ "$(calls)" != none ] && break; sleep 0.1; done  # a backend's counts arrive as it exits
check_eq "current called provider_registration, not provider_state" "$(calls)" "provider_registration=1"
sql -d "$HDB" -c "ALTER DATABASE \"$HDB\" RESET track_functions" >/dev/null
hm_expect 0 "current --json" --json current
check "current --json has the version table's catalog row" out_has '"kind": "alembic_version"'
# A manifest that no longer matches the registration is not read past.
sed -i "s/\"owner_role\": \"$HOWNER\"/\"owner_role\": \"postgres\"/" "$HP/metamigrate.json"
hm_expect 1 "current with a changed owner role" current
check "is refused as before" err_has "not by the provider's owner role \"postgres\""
sed -i "s/\"owner_role\": \"postgres\"/\"owner_role\": \"$HOWNER\"/" "$HP/metamigrate.json"
hm_expect 0 "current again" current
