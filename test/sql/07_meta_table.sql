-- MetaTable catalog: reserve, finalize, attach, hook, deletion protection.
CREATE ROLE mm_sdk_owner;
GRANT CREATE ON SCHEMA public TO mm_sdk_owner;
SELECT metamigrate.register_provider('sdk_examples', 'sdk-examples-mt', 'mm_sdk_owner', 'public', 'sdk_mt_version');
SELECT metamigrate.upload_revisions('sdk_examples:sdk-examples-mt', $$[
 {"revision": "m1", "down_revision": null,
  "upgrade_sql": "CREATE TABLE sdk_account (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());\nCREATE TABLE sdk_account_limit (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES sdk_account (id), amount numeric(12,2) DEFAULT 0);\nCREATE INDEX sdk_account_limit_account ON sdk_account_limit (account_id);",
  "downgrade_sql": "DROP TABLE sdk_account_limit;\nDROP TABLE sdk_account;"},
 {"revision": "m2", "down_revision": "m1", "upgrade_sql": "ALTER TABLE sdk_account ADD COLUMN status varchar(32) NOT NULL DEFAULT 'active';",
  "downgrade_sql": "ALTER TABLE sdk_account DROP COLUMN status;"}
]$$);
CREATE TEMP TABLE req AS SELECT $${"migration_package": "sdk_examples", "migration_namespace": "sdk-examples-mt",
  "migration_provider_key": "sdk_examples:sdk-examples-mt",
  "tables": [
   {"identifier": "sdk_examples.Account", "namespace": "sdk_examples",
    "table_contract": {"version": "relational-table.v1", "physical": {"table_name": "sdk_account"}, "columns": []}},
   {"identifier": "sdk_examples.AccountLimit",
    "table_contract": {"version": "relational-table.v1", "physical": {"table_name": "sdk_account_limit"}, "columns": []}}]}$$::jsonb AS r;

-- reserve creates catalog rows, no table.
SELECT t ->> 'identifier' AS identifier, t ->> 'table_name' AS table_name, t ->> 'status' AS status,
       t ->> 'created' AS created, t ->> 'matched_by' AS matched_by, t ->> 'namespace' AS namespace,
       (t ->> 'data_source_uid')::uuid = metamigrate.data_source_uid() AS this_data_source
  FROM jsonb_array_elements((SELECT metamigrate.reserve(r) FROM req) -> 'tables') t;
SELECT count(*) AS physical_tables FROM pg_class WHERE relname IN ('sdk_account', 'sdk_account_limit');
-- Reserving again reuses the rows.
SELECT t ->> 'identifier', t ->> 'created' AS created, t ->> 'matched_by' AS matched_by
  FROM jsonb_array_elements((SELECT metamigrate.reserve(r) FROM req) -> 'tables') t;
SELECT identifier, namespace, kind, status FROM metamigrate.meta_table WHERE provider = 'sdk_examples:sdk-examples-mt' ORDER BY 1;

CREATE TEMP TABLE fin AS SELECT jsonb_build_object(
  'migration_provider_key', 'sdk_examples:sdk-examples-mt', 'alembic_revision', 'head',
  'meta_table_uids', (SELECT jsonb_agg(uid ORDER BY identifier) FROM metamigrate.meta_table
                       WHERE provider = 'sdk_examples:sdk-examples-mt' AND kind = 'meta_table')) AS f;
-- Finalize before the tables exist: a physical-state error listing both, nothing changes.
SELECT metamigrate.finalize(f) FROM fin;
SELECT identifier, status FROM metamigrate.meta_table WHERE provider = 'sdk_examples:sdk-examples-mt' ORDER BY 1;

-- Upgrade and finalize in one transaction, as the client does.
BEGIN;
SELECT metamigrate.upgrade('sdk_examples:sdk-examples-mt') -> 'to' AS heads;
SELECT f2 -> 'counts' AS counts, jsonb_array_length(f2 -> 'tables') AS tables
  FROM (SELECT metamigrate.finalize(f) AS f2 FROM fin) x;
COMMIT;
SELECT identifier, status, finalized_revision, length(storage_hash) AS hash_len,
       table_contract -> 'primary_key' AS pk, jsonb_array_length(table_contract -> 'columns') AS columns,
       table_contract -> 'columns' -> 3 AS status_column,
       table_oid = to_regclass(schema_name || '.' || table_name)::oid AS oid_bound
  FROM metamigrate.meta_table WHERE provider = 'sdk_examples:sdk-examples-mt' ORDER BY 1;
SELECT table_contract -> 'foreign_keys' AS fks, table_contract -> 'indexes' -> 0 ->> 'name' AS first_index
  FROM metamigrate.meta_table WHERE identifier = 'sdk_examples.AccountLimit';
-- The storage hash is the sha256 of the stored contract.
SELECT storage_hash = encode(sha256(convert_to(table_contract::text, 'UTF8')), 'hex') AS hash_matches
  FROM metamigrate.meta_table WHERE identifier = 'sdk_examples.Account';

-- Conflicts name the table and its owner.
SELECT metamigrate.register_provider('other', 'main', 'mm_sdk_owner', 'public', 'other_mt_version');
SELECT metamigrate.reserve($${"migration_provider_key": "other:main", "tables": [
  {"identifier": "other.Thing", "table_contract": {"physical": {"table_name": "sdk_account"}}}]}$$);
SELECT metamigrate.reserve($${"migration_provider_key": "sdk_examples:sdk-examples-mt", "tables": [
  {"identifier": "sdk_examples.Renamed", "table_contract": {"physical": {"table_name": "sdk_account"}}}]}$$);
SELECT metamigrate.reserve($${"migration_provider_key": "sdk_examples:sdk-examples-mt", "tables": [
  {"identifier": "sdk_examples.Account", "table_contract": {"physical": {"table_name": "sdk_account_v2"}}}]}$$);
-- Bad requests.
SELECT metamigrate.reserve('{"tables": []}');
SELECT metamigrate.reserve('{"migration_package": "sdk_examples", "migration_namespace": "x", "migration_provider_key": "y:z", "tables": []}');
SELECT metamigrate.reserve('{"migration_provider_key": "sdk_examples:sdk-examples-mt", "tables": [{"identifier": "a"}]}');
SELECT metamigrate.reserve('{"migration_provider_key": "sdk_examples:sdk-examples-mt", "tables": [{"identifier": "a", "kind": "view", "table_contract": {"physical": {"table_name": "a"}}}]}');
SELECT metamigrate.finalize('{"migration_provider_key": "sdk_examples:sdk-examples-mt", "meta_table_uids": ["00000000-0000-0000-0000-000000000000"]}');
SELECT metamigrate.finalize('{"migration_provider_key": "sdk_examples:sdk-examples-mt", "meta_table_uids": "x"}');

-- The version table has its own catalog row.
SELECT m ->> 'kind' AS kind, m ->> 'table_name' AS table_name, m ->> 'status' AS status
  FROM metamigrate.version_meta_table('sdk_examples:sdk-examples-mt') m;

-- Runtime attach: read-only, all or nothing.
SELECT identifier, schema_name, table_name, status FROM metamigrate.attach(ARRAY['sdk_account', 'public.sdk_account_limit']);
SELECT * FROM metamigrate.attach(ARRAY['sdk_account', 'no_such_table', 'pg_class']);

-- Deletion protection: plain DROP, CASCADE through a schema, DROP OWNED.
DROP TABLE sdk_account_limit;
DROP TABLE sdk_account CASCADE;
SET client_min_messages = warning;  -- the cascade NOTICE lists every table of the database
DROP SCHEMA public CASCADE;
RESET client_min_messages;
DROP OWNED BY mm_sdk_owner;
-- Unmanaged tables drop as usual.
CREATE TABLE plain_table (id int);
DROP TABLE plain_table;
-- A managed table can be renamed without losing its row (matched by OID).
ALTER TABLE sdk_account RENAME TO sdk_account_renamed;
DROP TABLE sdk_account_renamed CASCADE;
ALTER TABLE sdk_account_renamed RENAME TO sdk_account;

-- after_register hook: runs as the owner role with the finalized rows.
CREATE TABLE hook_calls (called_as name, tables int);
GRANT INSERT ON hook_calls TO mm_sdk_owner;
CREATE FUNCTION public.refresh_example_catalog(finalized jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO public.hook_calls VALUES (current_user, jsonb_array_length(finalized -> 'tables'))
$$;
SELECT metamigrate.run_after_register('sdk_examples:sdk-examples-mt', 'public.refresh_example_catalog',
  (SELECT metamigrate.finalize(f) FROM fin));
SELECT * FROM hook_calls;
SELECT metamigrate.run_after_register('sdk_examples:sdk-examples-mt', 'public.no_such_hook', '{}');
SET ROLE mm_outsider;
SELECT metamigrate.run_after_register('sdk_examples:sdk-examples-mt', 'public.refresh_example_catalog', '{}');
SELECT metamigrate.reserve('{"migration_provider_key": "sdk_examples:sdk-examples-mt", "tables": []}');
SELECT metamigrate.finalize('{"migration_provider_key": "sdk_examples:sdk-examples-mt", "meta_table_uids": []}');
RESET ROLE;

-- A downgrade of the owning provider may drop its tables; finalize retires their rows.
BEGIN;
SELECT metamigrate.downgrade('sdk_examples:sdk-examples-mt', 'base') -> 'to' AS heads;
SELECT metamigrate.finalize(f || '{"operation": "downgrade"}') -> 'counts' FROM fin;
COMMIT;
SELECT identifier, status, table_oid IS NULL AS unbound FROM metamigrate.meta_table
 WHERE provider = 'sdk_examples:sdk-examples-mt' ORDER BY 1;
SELECT * FROM metamigrate.attach(ARRAY['sdk_account']);
-- Upgrading again revives the same rows (same uids).
CREATE TEMP TABLE old_uids AS SELECT uid FROM metamigrate.meta_table WHERE kind = 'meta_table' AND provider = 'sdk_examples:sdk-examples-mt';
SELECT t ->> 'matched_by' AS matched_by, (t ->> 'uid')::uuid IN (SELECT uid FROM old_uids) AS same_uid
  FROM jsonb_array_elements((SELECT metamigrate.reserve(r) FROM req) -> 'tables') t;
BEGIN;
SELECT metamigrate.upgrade('sdk_examples:sdk-examples-mt') -> 'to' AS heads;
SELECT metamigrate.finalize(f) -> 'counts' FROM fin;
COMMIT;
-- An upgrade that fails in finalize leaves nothing: declare a table no revision creates.
SELECT metamigrate.downgrade('sdk_examples:sdk-examples-mt', 'm1') -> 'to' AS heads;
BEGIN;
SELECT t ->> 'identifier' FROM jsonb_array_elements((SELECT metamigrate.reserve(r #- '{tables,1}' ||
  jsonb_build_object('tables', (r -> 'tables') || '[{"identifier": "sdk_examples.Ghost", "table_contract": {"physical": {"table_name": "sdk_ghost"}}}]'::jsonb))
  FROM req) -> 'tables') t;
SELECT metamigrate.upgrade('sdk_examples:sdk-examples-mt') -> 'to' AS heads;
SELECT metamigrate.finalize(jsonb_set(f, '{meta_table_uids}', (SELECT jsonb_agg(uid) FROM metamigrate.meta_table
  WHERE provider = 'sdk_examples:sdk-examples-mt' AND kind = 'meta_table' AND status <> 'retired'))) FROM fin;
ROLLBACK;
SELECT * FROM metamigrate.current('sdk_examples:sdk-examples-mt');
SELECT identifier, status FROM metamigrate.meta_table WHERE provider = 'sdk_examples:sdk-examples-mt' ORDER BY 1;

-- Clean up through the lifecycle.
BEGIN;
SELECT metamigrate.downgrade('sdk_examples:sdk-examples-mt', 'base') -> 'to' AS heads;
SELECT metamigrate.finalize(f || '{"operation": "downgrade"}') -> 'counts' FROM fin;
COMMIT;
DROP FUNCTION public.refresh_example_catalog(jsonb);
DROP TABLE hook_calls;
