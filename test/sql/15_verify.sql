-- verify: the live schemas against the state stored after the last migration.
SELECT metamigrate.register_provider('vfy', 'main', 'mm_sdk_owner', 'public', 'vfy_version');
SELECT metamigrate.set_provider_schemas('vfy:main', ARRAY['vfy']);
SELECT * FROM metamigrate.verify('vfy:main');
SELECT metamigrate.upload_revisions('vfy:main', $$[
 {"revision": "w1", "down_revision": null,
  "upgrade_sql": "CREATE SCHEMA vfy AUTHORIZATION mm_sdk_owner;\nCREATE TABLE vfy.account (id int PRIMARY KEY, name text DEFAULT 'x');\nCREATE INDEX account_name ON vfy.account (name);",
  "downgrade_sql": "DROP SCHEMA vfy CASCADE;"}]$$);
GRANT CREATE ON DATABASE contrib_regression TO mm_sdk_owner;
SELECT count(*) FROM jsonb_array_elements(metamigrate.reserve($${"migration_provider_key": "vfy:main", "tables": [
  {"identifier": "vfy.Account", "table_contract": {"physical": {"schema": "vfy", "table_name": "account"}}}]}$$) -> 'tables');
CREATE TEMP TABLE vfy_fin AS SELECT jsonb_build_object('migration_provider_key', 'vfy:main',
  'meta_table_uids', (SELECT jsonb_agg(uid) FROM metamigrate.meta_table WHERE provider = 'vfy:main' AND kind = 'meta_table')) AS f;
BEGIN;
SELECT metamigrate.upgrade('vfy:main') -> 'to';
SELECT metamigrate.finalize(f) -> 'counts' FROM vfy_fin;
COMMIT;
SELECT heads, schemas, objects IS NOT NULL AS has_snapshot, objects = (SELECT count(*) FROM metamigrate.schema_state_object o WHERE o.provider = 'vfy:main') AS objects_stored, capture_error FROM metamigrate.schema_state WHERE provider = 'vfy:main';
-- Clean right after the migration.
SELECT * FROM metamigrate.verify('vfy:main');
-- Changes by hand are drift, and changes to managed tables say who made them.
CREATE ROLE mm_vfy_dba;
GRANT mm_sdk_owner TO mm_vfy_dba;
SET ROLE mm_vfy_dba;
ALTER TABLE vfy.account ADD COLUMN by_hand int;
DROP INDEX vfy.account_name;
ALTER TABLE vfy.account ALTER COLUMN name SET DEFAULT 'y';
CREATE TABLE vfy.extra (id int);
RESET ROLE;
SELECT kind, regexp_replace(detail, '^\d{4}-\d\d-\d\dT[0-9:]+Z: ', '<time>: ') AS detail FROM metamigrate.verify('vfy:main') ORDER BY kind, detail;
-- Objects outside the provider's schemas are not its drift.
CREATE TABLE public.vfy_elsewhere (id int);
SELECT count(*) AS drift_rows FROM metamigrate.verify('vfy:main') WHERE detail LIKE '%vfy_elsewhere%';
DROP TABLE public.vfy_elsewhere;
-- A stamp accepts the live schema as the new baseline.
DROP TABLE vfy.extra;
ALTER TABLE vfy.account DROP COLUMN by_hand;
SELECT metamigrate.stamp('vfy:main', 'w1') -> 'to';
SELECT * FROM metamigrate.verify('vfy:main');
-- The state is stored object by object, and a capture rewrites only the
-- objects that changed (a row's xmin is the transaction that last wrote it).
CREATE TEMP TABLE vfy_rows AS
  SELECT section, name, xmin::text AS version FROM metamigrate.schema_state_object WHERE provider = 'vfy:main';
SELECT metamigrate.stamp('vfy:main', 'w1') -> 'to';
SELECT count(*) AS rewritten FROM metamigrate.schema_state_object o JOIN vfy_rows r USING (section, name)
 WHERE o.provider = 'vfy:main' AND o.xmin::text <> r.version;
ALTER TABLE vfy.account ADD COLUMN note text;
CREATE TABLE vfy.more (id int);
SELECT metamigrate.stamp('vfy:main', 'w1') -> 'to';
SELECT o.section, replace(o.name, E'\x01', '|') AS object, r.version IS NULL AS added
  FROM metamigrate.schema_state_object o LEFT JOIN vfy_rows r USING (section, name)
 WHERE o.provider = 'vfy:main' AND (r.version IS NULL OR o.xmin::text <> r.version) ORDER BY 1, 2;
DROP TABLE vfy.more;
ALTER TABLE vfy.account DROP COLUMN note;
SELECT metamigrate.stamp('vfy:main', 'w1') -> 'to';
SELECT count(*) AS rows, (SELECT objects FROM metamigrate.schema_state WHERE provider = 'vfy:main') AS objects,
       count(*) FILTER (WHERE name LIKE E'vfy\x01more\x01%') AS rows_of_the_dropped_table
  FROM metamigrate.schema_state_object WHERE provider = 'vfy:main';
SELECT * FROM metamigrate.verify('vfy:main');
-- A version table changed behind metamigrate's back makes the state stale.
DELETE FROM public.vfy_version;
SELECT kind, detail FROM metamigrate.verify('vfy:main');
SELECT metamigrate.stamp('vfy:main', 'w1') -> 'to';
-- Cleanup through the lifecycle.
BEGIN;
SELECT metamigrate.downgrade('vfy:main', 'base') -> 'to';
SELECT metamigrate.finalize(f || '{"operation": "downgrade"}') -> 'counts' FROM vfy_fin;
COMMIT;
REVOKE CREATE ON DATABASE contrib_regression FROM mm_sdk_owner;
DROP ROLE mm_vfy_dba;
