# Class 9: after pg_dump and restore into another database, deletion
# protection follows the managed tables by name, not by the old OIDs.
db="mmsec09_$suffix"
copy="mmsec09copy_$suffix"
owner="mm_sec09_owner_$suffix"
new_db "$db"
new_role "$owner" "NOLOGIN"
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$owner\"" >/dev/null
su_sql "$db" "SELECT metamigrate.register_provider('dump', 'main', '$owner')" >/dev/null
su_sql "$db" "SELECT metamigrate.upload_revisions('dump:main', '[{\"revision\": \"d1\", \"down_revision\": null, \"upgrade_sql\": \"CREATE TABLE managed_t (id int PRIMARY KEY)\"}]')" >/dev/null
su_sql "$db" "
SELECT metamigrate.reserve('{\"migration_provider_key\": \"dump:main\", \"tables\": [{\"identifier\": \"dump.Managed\", \"table_contract\": {\"physical\": {\"table_name\": \"managed_t\"}}}]}');
SELECT metamigrate.upgrade('dump:main');
SELECT metamigrate.finalize(jsonb_build_object('migration_provider_key', 'dump:main', 'alembic_revision', 'd1',
  'meta_table_uids', (SELECT jsonb_agg(uid) FROM metamigrate.meta_table WHERE provider = 'dump:main' AND kind = 'meta_table')));" >/dev/null
createdb "$copy" && CREATED_DBS+=("$copy")
# Objects created in the copy first take OIDs the original's tables had.
for i in $(seq 5); do su_sql "$copy" "CREATE TABLE filler_$i (i int)" >/dev/null; done
pg_dump "$db" | psql -X -q -d "$copy" >/dev/null 2>"$WORK/restore.err"
check_eq "the catalog rows survived the restore" \
  "$(su_sql "$copy" "SELECT status FROM metamigrate.meta_table WHERE table_name = 'managed_t'")" active
check_eq "the restored row points at the restored table" \
  "$(su_sql "$copy" "SELECT table_oid = 'public.managed_t'::regclass FROM metamigrate.meta_table WHERE table_name = 'managed_t'")" t
psql -X -q -d "$copy" -c "DROP TABLE public.managed_t" >"$WORK/out" 2>"$WORK/err"
check "the restored managed table is protected from DROP" test $? -ne 0
# A stale OID (as a restore that kept the old one would leave it) must not
# protect the unrelated table that now has it.
su_sql "$copy" "CREATE TABLE unrelated (i int); UPDATE metamigrate.meta_table SET table_oid = 'unrelated'::regclass WHERE table_name = 'managed_t'" >/dev/null
psql -X -q -d "$copy" -c "DROP TABLE unrelated" >"$WORK/out" 2>"$WORK/err"
check "an unrelated table with a managed row's stale OID can be dropped" test $? -eq 0
