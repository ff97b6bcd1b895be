# Class 6: a provider can only claim tables its owner role owns.
db="mmsec06_$suffix"
attacker="mm_sec06_attacker_$suffix"
victim="mm_sec06_victim_$suffix"
new_db "$db"
new_role "$attacker" "LOGIN"
new_role "$victim" "LOGIN"
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$victim\"" >/dev/null
as_role "$victim" "$db" "CREATE TABLE public.victim_data (id int)"
# A login with no grants: its own role is its provider's owner role.
as_role "$attacker" "$db" "SELECT metamigrate.register_provider('claim', 'main', '$attacker')"
check "a login with no grants can register a provider owned by itself" test "$rc" -eq 0
as_role "$attacker" "$db" "SELECT metamigrate.reserve('{\"migration_provider_key\": \"claim:main\", \"tables\": [{\"identifier\": \"claim.Victim\", \"table_contract\": {\"physical\": {\"table_name\": \"victim_data\"}}}]}')"
check "reserving another role's table is refused" test "$rc" -ne 0
as_role "$attacker" "$db" "SELECT metamigrate.finalize(jsonb_build_object('migration_provider_key', 'claim:main', 'alembic_revision', 'head', 'meta_table_uids', (SELECT coalesce(jsonb_agg(uid), '[]') FROM metamigrate.meta_table WHERE provider = 'claim:main' AND kind = 'meta_table')))"
check_eq "no catalog row claims the victim's table" \
  "$(su_sql "$db" "SELECT count(*) FROM metamigrate.meta_table WHERE table_name = 'victim_data' AND status = 'active'")" 0
as_role "$victim" "$db" "DROP TABLE public.victim_data"
check "the table's real owner can still drop it" test "$rc" -eq 0
