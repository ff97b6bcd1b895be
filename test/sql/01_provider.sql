-- Provider registration: defaults, idempotence, conflicts, bad input.
CREATE ROLE mm_app_owner;
CREATE ROLE mm_outsider;
GRANT CREATE ON SCHEMA public TO mm_app_owner;

SELECT metamigrate.register_provider('app', 'main', 'mm_app_owner');
SELECT provider_key, package, namespace, owner_role, version_schema, version_table, version_column, search_path
  FROM metamigrate.provider;
-- Identical registration is a no-op.
SELECT metamigrate.register_provider('app', 'main', 'mm_app_owner');
SELECT count(*) FROM metamigrate.provider;
-- Different settings for the same key are refused.
SELECT metamigrate.register_provider('app', 'main', 'mm_app_owner', 'public', 'other_version');
-- Two providers cannot share a version table.
SELECT metamigrate.register_provider('app2', 'main', 'mm_app_owner', 'public', 'app_alembic_version');
-- Explicit version table settings.
SELECT metamigrate.register_provider('sdk_examples', 'sdk-examples', 'mm_app_owner', 'public', 'sdk_vt', 'vnum');
-- Bad input.
SELECT metamigrate.register_provider('', 'main', 'mm_app_owner');
SELECT metamigrate.register_provider('a:b', 'main', 'mm_app_owner');
SELECT metamigrate.register_provider('app', NULL, 'mm_app_owner');
SELECT metamigrate.register_provider('app', 'x', 'no_such_role');
SELECT metamigrate.register_provider('app', 'x', 'mm_app_owner', 'no_such_schema');
-- Only members of the owner role may register.
SET ROLE mm_outsider;
SELECT metamigrate.register_provider('app', 'outsider', 'mm_app_owner');
RESET ROLE;
-- Unknown providers are named.
SELECT * FROM metamigrate.current('nope:nope');
SELECT metamigrate.upgrade('nope:nope');

-- The catalog is readable but not writable by PUBLIC.
SET ROLE mm_outsider;
SELECT count(*) >= 0 AS can_read FROM metamigrate.provider;
INSERT INTO metamigrate.history (provider, revision, direction, duration, executed_as, heads_after)
  VALUES ('x', 'y', 'upgrade', '1 s', 'z', '{}');
UPDATE metamigrate.revision SET upgrade_sql = '';
DELETE FROM metamigrate.provider;
RESET ROLE;
-- Every function pins its search_path. (Procedures cannot carry a SET
-- clause and still commit; they pin it for each transaction themselves,
-- see 14_per_revision.)
SELECT p.proname, p.prokind, p.proconfig
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'metamigrate' AND (p.proconfig IS NULL OR NOT 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig))
 ORDER BY 1;
-- None is SECURITY DEFINER: privileges are checked in C against the caller.
SELECT count(*) AS security_definer_functions
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'metamigrate' AND p.prosecdef;
