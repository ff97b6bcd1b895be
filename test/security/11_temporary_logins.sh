# Issue 20: temporary logins only where schema changes, never left behind,
# also when their database is dropped.
owner="mm_sec11_owner_$suffix"
member="mm_sec11_member_$suffix"
new_role "$owner" "NOLOGIN"
new_role "$member" "LOGIN"
su_sql postgres "GRANT \"$owner\" TO \"$member\"" >/dev/null
scaffold_provider sec11 "$owner" || return
logins() { su_sql postgres "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'mm\_tmp\_sec11\_%'"; }
dbs=()
for i in 1 2 3 4 5; do
  db="mmsec11_${i}_$suffix"
  new_db "$db"
  su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$owner\"" >/dev/null
  dbs+=("$db")
done
dsn_of() { echo "host=$PGHOST port=$PGPORT user=$member dbname=$1"; }
failures=0
for db in "${dbs[@]}"; do
  for _ in $(seq 10); do run --dsn "$(dsn_of "$db")" -q current; [ "$rc" -eq 0 ] || failures=$((failures + 1)); done
  check_eq "current issues no login ($db)" "$(logins)" 0
  for _ in $(seq 4); do run --dsn "$(dsn_of "$db")" -q upgrade; [ "$rc" -eq 0 ] || failures=$((failures + 1)); done
done
check_eq "50 current and 20 upgrade on 5 databases all succeeded" "$failures" 0
check_eq "no temporary login is left after 20 upgrades" "$(logins)" 0
# A failing upgrade drops its login too.
cat >migrations/versions/main/t2_fail.sql <<'SQL'
-- metamigrate:revision
-- revision: t2
-- down_revision: t1
-- message: fails
-- transactional: true

-- metamigrate:upgrade
SELECT 1/0;

-- metamigrate:downgrade
SELECT 1;
SQL
run --dsn "$(dsn_of "${dbs[0]}")" -q upgrade
check "an upgrade whose revision fails exits 1" test "$rc" -eq 1
check_eq "and leaves no login behind" "$(logins)" 0
rm migrations/versions/main/t2_fail.sql
# A client that dies (SIGKILL) cannot drop its login; its database is then
# dropped. The login's comment lets a reaper in another database find it.
cat >migrations/versions/main/t2_slow.sql <<'SQL'
-- metamigrate:revision
-- revision: t2
-- down_revision: t1
-- message: slow
-- transactional: true

-- metamigrate:upgrade
SELECT pg_sleep(30);

-- metamigrate:downgrade
SELECT 1;
SQL
"$MM" --dsn "$(dsn_of "${dbs[4]}")" -q upgrade --credential-ttl 1s >/dev/null 2>&1 &
victim=$!
for _ in $(seq 200); do
  [ "$(su_sql postgres "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%metamigrate.upgrade%' AND usename LIKE 'mm\_tmp\_sec11\_%'")" -ge 1 ] && break
  sleep 0.05
done
kill -KILL "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
check_eq "a killed client leaves its login behind" "$(logins)" 1
for db in "${dbs[@]:2:3}"; do dropdb --force "$db"; done
check_eq "dropping its database leaves the login (roles are cluster-wide)" "$(logins)" 1
sleep 1.2
run --dsn "$(dsn_of "${dbs[0]}")" reap
check "reap in another database succeeds" test "$rc" -eq 0
check_eq "it drops the expired login of the dropped database" "$(logins)" 0
rm migrations/versions/main/t2_slow.sql

# A login with no grants can neither drop someone's live login nor make
# the reaper drop one that has not expired.
stranger="mm_sec11_stranger_$suffix"
new_role "$stranger" "LOGIN"
live="$(psql -X -At -U "$member" -d "${dbs[0]}" -c "SELECT metamigrate.migration_connection('{\"package\": \"sec11\", \"migration_namespace\": \"main\"}') ->> 'role'")"
CREATED_ROLES+=("$live")
as_role "$stranger" "${dbs[0]}" "SELECT metamigrate.release_migration_connection('$live')"
check "a login with no grants cannot release another's temporary login" test "$rc" -ne 0
as_role "$stranger" "${dbs[0]}" "SELECT metamigrate.reap_credentials(true)"
check "reap_credentials(true) by a login with no grants runs" test "$rc" -eq 0
check_eq "but leaves a login that has not expired" "$(logins)" 1
as_role "$member" "${dbs[0]}" "SELECT metamigrate.release_migration_connection('$live')"
check_eq "the member it was issued to releases it" "$(cat "$WORK/out")/$(logins)" "t/0"
cd "$WORK" || return
