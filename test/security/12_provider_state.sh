# metamigrate.provider_state (the read-only call of `metamigrate current`):
# any login may call it, it writes nothing, it reads a version table only
# as the provider's owner role and only when that role owns it, and its
# registration check cannot be used to skip the membership check of
# register_provider.
db="mmsec12_$suffix"
attacker="mm_sec12_attacker_$suffix"
victim="mm_sec12_victim_$suffix"
a_owner="mm_sec12_aowner_$suffix"
new_db "$db"
new_role "$attacker" "LOGIN"
new_role "$victim" "LOGIN"
new_role "$a_owner" "NOLOGIN"
su_sql postgres "GRANT \"$a_owner\" TO \"$attacker\"" >/dev/null
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$victim\", \"$a_owner\"" >/dev/null

# The victim's provider, migrated once.
as_role "$victim" "$db" "SELECT metamigrate.register_provider('vic', 'main', '$victim');
SELECT metamigrate.upload_revisions('vic:main', '[{\"revision\": \"v1\", \"down_revision\": null, \"upgrade_sql\": \"CREATE TABLE public.vic_t (id int)\"}]');
SELECT metamigrate.upgrade('vic:main')"
check "the victim's provider is migrated" test "$rc" -eq 0
catalog_state() {
  su_sql "$db" "SELECT (SELECT string_agg(xmin::text || provider_key, ',' ORDER BY provider_key) FROM metamigrate.provider) || '|' ||
    (SELECT count(*) FROM metamigrate.meta_table) || '|' || (SELECT count(*) FROM metamigrate.history) || '|' ||
    (SELECT string_agg(xmin::text, ',') FROM public.vic_alembic_version)"
}
before="$(catalog_state)"

# A login with no grants may read what current() shows, and changes nothing.
as_role "$attacker" "$db" "SELECT metamigrate.provider_state('vic:main')"
check "a login with no grants may call provider_state (exit $rc)" test "$rc" -eq 0
check "it shows the heads current() shows" out_has '"heads": ["v1"]'
as_role "$attacker" "$db" "SELECT metamigrate.provider_state('vic:main', false)"
as_role "$attacker" "$db" "SELECT metamigrate.provider_state('nobody:here')"
check "an unknown provider is registered: false" out_has '"registered": false'
# provider_registration (current's plain-SQL read) shows the registration
# row any login may SELECT anyway; snapshot_text and compare_models (what
# autogenerate calls) read the catalogs as the caller.
as_role "$attacker" "$db" "SELECT owner_role || '|' || version_table FROM metamigrate.provider_registration('vic:main')"
check "a login with no grants may call provider_registration (exit $rc)" test "$rc" -eq 0
check "it shows the registration" out_has "$victim|vic_alembic_version"
check_eq "which is the row SELECT on metamigrate.provider shows it" "$(cat "$WORK/out")" \
  "$(as_role "$attacker" "$db" "SELECT owner_role || '|' || version_table FROM metamigrate.provider WHERE provider_key = 'vic:main'"; cat "$WORK/out")"
as_role "$attacker" "$db" "SELECT metamigrate.compare_models(metamigrate.snapshot_text('{public}'), metamigrate.snapshot_text('{public}'))::jsonb -> 'diff' -> 'upgrade'"
check "snapshot_text and compare_models run for it, and find no difference (exit $rc)" \
  sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$WORK/out')\" = '[]' ]"
check_eq "these calls wrote nothing (provider rows, catalog, history, version table)" "$(catalog_state)" "$before"

# The state verify compares with, stored object by object after the
# victim's migration, is written by metamigrate alone: neither the
# attacker (a member of another provider's owner role) nor a login with no
# grants at all may change it.
plain="mm_sec12_plain_$suffix"
new_role "$plain" "LOGIN"
stored_state() { su_sql "$db" "SELECT string_agg(xmin::text || section || model, ',' ORDER BY section, name) FROM metamigrate.schema_state_object WHERE provider = 'vic:main'"; }
state_before="$(stored_state)"
check "the victim's migration stored its state object by object" test -n "$state_before"
for role in "$attacker" "$plain"; do
  as_role "$role" "$db" "UPDATE metamigrate.schema_state_object SET model = '{}' WHERE provider = 'vic:main'"
  check "$role cannot rewrite the victim's stored state" test "$rc" -ne 0
  as_role "$role" "$db" "DELETE FROM metamigrate.schema_state_object WHERE provider = 'vic:main'"
  check "$role cannot delete it" test "$rc" -ne 0
  as_role "$role" "$db" "INSERT INTO metamigrate.schema_state_object VALUES ('vic:main', 'tables', 'x', '{}')"
  check "$role cannot add to it" test "$rc" -ne 0
done
check_eq "the victim's stored state is unchanged" "$(stored_state)" "$state_before"
check_eq "an unknown provider was not registered by it" \
  "$(su_sql "$db" "SELECT count(*) FROM metamigrate.provider WHERE provider_key = 'nobody:here'")" 0

# register_provider's early return for an unchanged registration still
# requires membership in the owner role.
as_role "$attacker" "$db" "SELECT metamigrate.register_provider('vic', 'main', '$victim')"
check "re-registering another's provider as it is stays refused to a non-member" test "$rc" -ne 0
check "with the membership error" err_has "member"
schemas_before="$(su_sql "$db" "SELECT coalesce(schemas::text, 'unset') FROM metamigrate.provider WHERE provider_key = 'vic:main'")"
as_role "$attacker" "$db" "SELECT metamigrate.set_provider_schemas('vic:main', ARRAY['public', 'pg_catalog'])"
check "set_provider_schemas on another's provider stays refused" test "$rc" -ne 0
check_eq "and the victim's schemas are unchanged" \
  "$(su_sql "$db" "SELECT coalesce(schemas::text, 'unset') FROM metamigrate.provider WHERE provider_key = 'vic:main'")" "$schemas_before"

# A version table that appears later, owned by someone else: registered
# while absent, then the victim creates a table of that name.
as_role "$attacker" "$db" "SELECT metamigrate.register_provider('late', 'main', '$a_owner', 'public', 'late_version')"
as_role "$victim" "$db" "CREATE TABLE public.late_version (version_num varchar(32) PRIMARY KEY); INSERT INTO public.late_version VALUES ('secret_of_victim')"
as_role "$attacker" "$db" "SELECT metamigrate.provider_state('late:main')"
check "provider_state refuses a version table the owner role does not own" test "$rc" -ne 0
check "and shows none of its rows" sh -c "! grep -q secret_of_victim '$WORK/out' '$WORK/err'"
