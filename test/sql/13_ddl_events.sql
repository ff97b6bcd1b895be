-- Out-of-band DDL on managed tables is recorded: who, when, what.
SELECT metamigrate.register_provider('ddl', 'main', 'mm_sdk_owner', 'public', 'ddl_version');
SELECT metamigrate.upload_revisions('ddl:main', $$[
 {"revision": "d1", "down_revision": null,
  "upgrade_sql": "CREATE TABLE ddl_account (id int PRIMARY KEY, name text);\nCREATE INDEX ddl_account_name ON ddl_account (name);",
  "downgrade_sql": "DROP TABLE ddl_account;"},
 {"revision": "d2", "down_revision": "d1", "upgrade_sql": "ALTER TABLE ddl_account ADD COLUMN note text;",
  "downgrade_sql": "ALTER TABLE ddl_account DROP COLUMN note;"}]$$);
SELECT count(*) FROM jsonb_array_elements(metamigrate.reserve($${"migration_provider_key": "ddl:main", "tables": [
  {"identifier": "ddl.Account", "table_contract": {"physical": {"table_name": "ddl_account"}}}]}$$) -> 'tables');
CREATE TEMP TABLE ddl_fin AS SELECT jsonb_build_object('migration_provider_key', 'ddl:main',
  'meta_table_uids', (SELECT jsonb_agg(uid) FROM metamigrate.meta_table WHERE provider = 'ddl:main' AND kind = 'meta_table')) AS f;
BEGIN;
SELECT metamigrate.upgrade('ddl:main', 'd1') -> 'to';
SELECT metamigrate.finalize(f) -> 'counts' FROM ddl_fin;
COMMIT;
-- The provider's own migrations are in-band: nothing recorded.
SELECT metamigrate.upgrade('ddl:main', 'd2') -> 'to';
SELECT count(*) AS events_after_migration FROM metamigrate.ddl_event WHERE provider = 'ddl:main';
-- Out-of-band changes by hand.
CREATE ROLE mm_ddl_dba;
GRANT mm_sdk_owner TO mm_ddl_dba;
SET ROLE mm_ddl_dba;
ALTER TABLE ddl_account ADD COLUMN by_hand int;
CREATE INDEX ddl_account_by_hand ON ddl_account (by_hand);
DROP INDEX ddl_account_name;
COMMENT ON TABLE ddl_account IS 'changed by hand';
-- Unmanaged tables are not recorded.
CREATE TABLE ddl_scratch (id int);
DROP TABLE ddl_scratch;
RESET ROLE;
SELECT "session_user", executed_as, command_tag, object_type, object_identity, provider, identifier
  FROM metamigrate.ddl_event WHERE provider = 'ddl:main' ORDER BY id;
-- PUBLIC cannot forge or erase the log.
SET ROLE mm_ddl_dba;
DELETE FROM metamigrate.ddl_event;
RESET ROLE;
-- Cleanup.
BEGIN;
SELECT metamigrate.downgrade('ddl:main', 'base') -> 'to';
SELECT metamigrate.finalize(f || '{"operation": "downgrade"}') -> 'counts' FROM ddl_fin;
COMMIT;
DROP ROLE mm_ddl_dba;
