-- Hardening: search_path hijacking and injection through names.
CREATE ROLE mm_hard_owner;
GRANT CREATE ON SCHEMA public TO mm_hard_owner;
CREATE TABLE pwned (how text);
GRANT INSERT ON pwned TO PUBLIC;

-- Decoys in public that would run if metamigrate resolved names through the caller's search_path.
CREATE FUNCTION public.jsonb_array_elements_text(jsonb) RETURNS SETOF text LANGUAGE sql AS
  $$ INSERT INTO public.pwned VALUES ('jsonb_array_elements_text') RETURNING 'x' $$;
CREATE FUNCTION public.hashtext(text) RETURNS int LANGUAGE sql AS
  $$ INSERT INTO public.pwned VALUES ('hashtext') RETURNING 1 $$;
CREATE FUNCTION public.to_regclass(text) RETURNS regclass LANGUAGE sql AS
  $$ INSERT INTO public.pwned VALUES ('to_regclass') RETURNING NULL::regclass $$;
CREATE FUNCTION public.textne_hijack(text, text) RETURNS boolean LANGUAGE sql AS
  $$ INSERT INTO public.pwned VALUES ('operator') RETURNING true $$;
CREATE OPERATOR public.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = public.textne_hijack);
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.textne_hijack);
SET search_path = public, pg_catalog;

-- Names that would break out of string-pasted SQL. (This test's own queries
-- spell OPERATOR(pg_catalog.=) because the decoy = would hijack them.)
SELECT metamigrate.register_provider('hard', 'main', 'mm_hard_owner', 'public', 'vt"; DROP TABLE pwned; --', 'v''num');
SELECT metamigrate.upload_revisions('hard:main', $$[
  {"revision": "h1", "down_revision": null, "branch_labels": ["lbl"], "message": "'); DROP TABLE pwned; --",
   "upgrade_sql": "CREATE TABLE \"we'ird\"\"name\" (id int);", "downgrade_sql": "DROP TABLE \"we'ird\"\"name\";"}]$$);
SELECT metamigrate.upgrade('hard:main') -> 'to' AS heads;
SELECT * FROM metamigrate.current('hard:main');
SELECT relname FROM pg_class WHERE relname LIKE 'vt%' OR relname LIKE 'we%' ORDER BY 1;
SELECT attname FROM pg_attribute WHERE attrelid = 'public."vt""; DROP TABLE pwned; --"'::regclass AND attnum > 0;
SELECT t ->> 'table_name' AS reserved_table FROM jsonb_array_elements(metamigrate.reserve($${"migration_provider_key": "hard:main",
  "tables": [{"identifier": "x'); DROP TABLE pwned; --", "table_contract": {"physical": {"table_name": "we'ird\"name"}}}]}$$) -> 'tables') t;
SELECT metamigrate.finalize(jsonb_build_object('migration_provider_key', 'hard:main',
  'meta_table_uids', (SELECT jsonb_agg(uid) FROM metamigrate.meta_table WHERE provider OPERATOR(pg_catalog.=) 'hard:main' AND kind OPERATOR(pg_catalog.=) 'meta_table'))) -> 'counts';
SELECT identifier, schema_name, table_name, status FROM metamigrate.attach(ARRAY['we''ird"name']);
SELECT metamigrate.run_after_register('hard:main', 'pg_catalog.now(); DROP TABLE pwned; --', '{}');
-- Identifiers that the target syntax or Alembic cannot represent are refused outright.
SELECT metamigrate.upload_revisions('hard:main', '[{"revision": "h2''; --", "down_revision": "h1", "upgrade_sql": ""}]');
SELECT metamigrate.upload_revisions('hard:main', '[{"revision": "h2", "down_revision": "h1", "branch_labels": ["a b"], "upgrade_sql": ""}]');
SELECT metamigrate.register_provider('hard''', 'main', 'mm_hard_owner');
SELECT metamigrate.upgrade('hard:main', 'h1''; DROP TABLE pwned; --');
SELECT metamigrate.migration_connection('{"package": "hard", "migration_namespace": "main", "host": "h\"; DROP TABLE pwned; --"}') ->> 'role' ~ '^mm_tmp_hard_' AS issued;

-- Nothing ran through the decoys, and pwned still exists.
RESET search_path;
SELECT count(*) AS decoy_calls FROM public.pwned;
-- Cleanup through the lifecycle.
BEGIN;
SELECT metamigrate.downgrade('hard:main', 'base') -> 'to' AS heads;
SELECT metamigrate.finalize(jsonb_build_object('migration_provider_key', 'hard:main', 'operation', 'downgrade',
  'meta_table_uids', (SELECT jsonb_agg(uid) FROM metamigrate.meta_table WHERE provider OPERATOR(pg_catalog.=) 'hard:main' AND kind OPERATOR(pg_catalog.=) 'meta_table'))) -> 'counts';
COMMIT;
UPDATE metamigrate.credential SET expires_at = now() - interval '1 second';
SELECT metamigrate.reap_credentials();
DROP OPERATOR public.<> (text, text);
DROP OPERATOR public.= (text, text);
DROP FUNCTION public.textne_hijack(text, text), public.to_regclass(text), public.hashtext(text), public.jsonb_array_elements_text(jsonb);
DROP TABLE pwned;
