# Class 5: a temporary login that owns objects can neither block reaping
# nor fail anyone's migration once it expired.
db="mmsec05_$suffix"
member1="mm_sec05_m1_$suffix"
member2="mm_sec05_m2_$suffix"
owner1="mm_sec05_o1_$suffix"
owner2="mm_sec05_o2_$suffix"
new_db "$db"
new_role "$member1" "LOGIN"
new_role "$member2" "LOGIN"
new_role "$owner1" "NOLOGIN"
new_role "$owner2" "NOLOGIN"
su_sql postgres "GRANT \"$owner1\" TO \"$member1\"; GRANT \"$owner2\" TO \"$member2\"" >/dev/null
su_sql "$db" "SELECT metamigrate.register_provider('sec05a', 'main', '$owner1'), metamigrate.register_provider('sec05b', 'main', '$owner2')" >/dev/null
as_role "$member1" "$db" "SELECT metamigrate.migration_connection('{\"package\": \"sec05a\", \"migration_namespace\": \"main\", \"ttl_seconds\": 1, \"host\": \"$PGHOST\"}') ->> 'uri'"
uri="$(cat "$WORK/out")"
check "a member gets a temporary login" test -n "$uri"
login="$(psql -X -At "$uri" -c "SELECT current_user" 2>/dev/null)"
CREATED_ROLES+=("$login")
# The login itself owns a large object (and a temporary table's worth of
# nothing else): DROP ROLE alone would fail with 2BP01.
lo="$(psql -X -At "$uri" -c "SELECT lo_create(0)" 2>/dev/null)"
check "the temporary login created a large object it owns" test -n "$lo"
sleep 2
for _ in $(seq 100); do  # the login's sessions have ended
  [ "$(su_sql postgres "SELECT count(*) FROM pg_stat_activity WHERE usename = '$login'")" = 0 ] && break
  sleep 0.05
done
as_role "$member2" "$db" "SELECT metamigrate.reap_credentials()"
check "reaping that expired login does not fail (no 2BP01)" test "$rc" -eq 0
check_eq "the expired login was dropped" "$(su_sql postgres "SELECT count(*) FROM pg_roles WHERE rolname = '$login'")" 0
check_eq "its large object now belongs to the owner role" \
  "$(su_sql "$db" "SELECT pg_get_userbyid(lomowner) FROM pg_largeobject_metadata WHERE oid = $lo")" "$owner1"
as_role "$member2" "$db" "SELECT metamigrate.migration_connection('{\"package\": \"sec05b\", \"migration_namespace\": \"main\"}') ->> 'role'"
check "another provider's member gets a migration connection (no pg_read_all_settings needed)" test "$rc" -eq 0
CREATED_ROLES+=("$(cat "$WORK/out")")
