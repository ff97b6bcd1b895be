# Class 7: nobody outside a provider can hold its migration lock, and the
# extension cannot be installed into a schema someone else prepared.
db="mmsec07_$suffix"
attacker="mm_sec07_attacker_$suffix"
owner="mm_sec07_owner_$suffix"
new_db "$db"
new_role "$attacker" "LOGIN"
new_role "$owner" "NOLOGIN"
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$owner\"; SELECT metamigrate.register_provider('victim', 'main', '$owner')" >/dev/null
su_sql "$db" "SELECT metamigrate.upload_revisions('victim:main', '[{\"revision\": \"v1\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}]')" >/dev/null
# The attacker holds every advisory lock SQL can reach on the provider's key.
psql -X -q -U "$attacker" -d "$db" -c "SELECT pg_advisory_lock(1835888493, hashtext('victim:main')), pg_advisory_lock(hashtext('victim:main')::bigint), pg_advisory_lock((1835888493::bigint << 32) | (hashtext('victim:main')::bigint & 4294967295)), pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
  [ "$(su_sql "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()")" -ge 3 ] && break
  sleep 0.05
done
out="$(psql -X -q -At -d "$db" -c "SET lock_timeout = '2s'" -c "SELECT metamigrate.upgrade('victim:main') ->> 'to'" 2>&1)"
check_eq "an upgrade is not held up by advisory locks a login with no grants took" "$out" '["v1"]'
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
as_role "$attacker" "$db" "SELECT metamigrate.lock_provider_session('victim:main')"
check "a non-member cannot take the provider's session lock" test "$rc" -ne 0
# Held by a migrator's session, the lock cannot be released from another.
psql -X -q -d "$db" -c "SELECT metamigrate.lock_provider_session('victim:main'), pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
  [ "$(su_sql "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 3 AND granted")" -ge 1 ] && break
  sleep 0.05
done
as_role "$attacker" "$db" "SELECT metamigrate.unlock_provider_session('victim:main')"
check_eq "unlock_provider_session from another session releases nothing" "$(cat "$WORK/out")" f
check_eq "the migrator's lock is still held" \
  "$(su_sql "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 3 AND granted")" 1
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# A schema named metamigrate that another role created first.
db2="mmsec07b_$suffix"
createdb "$db2" && CREATED_DBS+=("$db2")
su_sql "$db2" "CREATE SCHEMA metamigrate AUTHORIZATION \"$attacker\"" >/dev/null
psql -X -q -d "$db2" -c "CREATE EXTENSION metamigrate" >"$WORK/out" 2>"$WORK/err"
check "CREATE EXTENSION refuses a metamigrate schema owned by another role" test $? -ne 0
check "the refusal names the schema's owner" err_has "owned by role $attacker"

# One owner role's member can plant functions in a schema that another
# provider's revisions have on their search_path: the upgrade says so.
other_owner="mm_sec07_oo_$suffix"
other_login="mm_sec07_ol_$suffix"
new_role "$other_owner" "NOLOGIN"
new_role "$other_login" "LOGIN"
su_sql postgres "GRANT \"$other_owner\" TO \"$other_login\"" >/dev/null
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$other_owner\"" >/dev/null
su_sql "$db" "SELECT metamigrate.upload_revisions('victim:main', '[{\"revision\": \"v1\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}, {\"revision\": \"v2\", \"down_revision\": \"v1\", \"upgrade_sql\": \"SELECT 2\"}]')" >/dev/null
psql -X -q -d "$db" -c "SELECT metamigrate.upgrade('victim:main')" >"$WORK/out" 2>"$WORK/err"
check "an upgrade whose search_path another provider's login can write warns" err_has "WARNING:  revision SQL runs with search_path public, in which other logins can create objects: $other_login"
su_sql "$db" "CREATE SCHEMA own_schema AUTHORIZATION \"$owner\"; SELECT metamigrate.register_provider('private', 'main', '$owner', 'own_schema')" >/dev/null
su_sql "$db" "SELECT metamigrate.upload_revisions('private:main', '[{\"revision\": \"p1\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}]')" >/dev/null
psql -X -q -d "$db" -c "SELECT metamigrate.upgrade('private:main')" >"$WORK/out" 2>"$WORK/err"
check "a provider in a schema only its owner role can write gets no warning" sh -c "! grep -q WARNING '$WORK/err'"
