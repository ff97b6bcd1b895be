# Class 10 (server): ids that read as targets, migrations started from
# inside a migration, and unregistering a provider.
db="mmsec10_$suffix"
owner="mm_sec10_owner_$suffix"
member="mm_sec10_member_$suffix"
other="mm_sec10_other_$suffix"
new_db "$db"
new_role "$owner" "NOLOGIN"
new_role "$member" "LOGIN"
new_role "$other" "LOGIN"
su_sql postgres "GRANT \"$owner\" TO \"$member\"" >/dev/null
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$owner\"" >/dev/null
su_sql "$db" "SELECT metamigrate.register_provider('ids', 'main', '$owner')" >/dev/null
for id in -1 +2 abc-2 0001+3; do
  as_role "$member" "$db" "SELECT metamigrate.upload_revisions('ids:main', '[{\"revision\": \"$id\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}]')"
  check "revision id \"$id\" (reads as a relative target) is refused" test "$rc" -ne 0
done
as_role "$member" "$db" "SELECT metamigrate.upload_revisions('ids:main', '[{\"revision\": \"2024-01-a\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}]')"
check "an id with dashes that is not a relative target is accepted" test "$rc" -eq 0

# A revision that calls upgrade (of another provider, or its own).
su_sql "$db" "SELECT metamigrate.register_provider('nested', 'main', '$owner')" >/dev/null
as_role "$member" "$db" "SELECT metamigrate.upload_revisions('nested:main', '[
 {\"revision\": \"n1\", \"down_revision\": null, \"upgrade_sql\": \"CREATE TABLE nested_t (i int);\\nSELECT metamigrate.upgrade(''ids:main'');\"}]')"
as_role "$member" "$db" "SELECT metamigrate.upgrade('nested:main')"
check "a revision calling metamigrate.upgrade is refused" test "$rc" -ne 0
check "the refusal says why" err_has "from inside a migration"
check_eq "nothing of that revision stays" "$(su_sql "$db" "SELECT count(*) FROM pg_class WHERE relname = 'nested_t'")" 0
check_eq "the other provider was not migrated" "$(su_sql "$db" "SELECT count(*) FROM metamigrate.history WHERE provider = 'ids:main'")" 0

# Unregistering: only members, only a provider that never migrated.
as_role "$other" "$db" "SELECT metamigrate.unregister_provider('ids:main')"
check "a non-member cannot unregister a provider" test "$rc" -ne 0
as_role "$member" "$db" "SELECT metamigrate.unregister_provider('ids:main') ->> 'unregistered'"
check_eq "a provider that never migrated can be unregistered" "$(cat "$WORK/out")" true
check_eq "its revisions went with it" "$(su_sql "$db" "SELECT count(*) FROM metamigrate.revision WHERE provider_key = 'ids:main'")" 0
su_sql "$db" "SELECT metamigrate.register_provider('used', 'main', '$owner'); SELECT metamigrate.upload_revisions('used:main', '[{\"revision\": \"u1\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}]'); SELECT metamigrate.upgrade('used:main')" >/dev/null
as_role "$member" "$db" "SELECT metamigrate.unregister_provider('used:main')"
check "a provider that migrated cannot be unregistered" test "$rc" -ne 0
