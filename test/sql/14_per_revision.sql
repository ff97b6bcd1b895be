-- One transaction per revision (CALL in autocommit mode).
SELECT metamigrate.register_provider('per', 'main', 'mm_sdk_owner', 'public', 'per_version');
SELECT metamigrate.upload_revisions('per:main', $$[
 {"revision": "q1", "down_revision": null, "upgrade_sql": "CREATE TABLE per_one (id int);", "downgrade_sql": "DROP TABLE per_one;"},
 {"revision": "q2", "down_revision": "q1", "upgrade_sql": "CREATE TABLE per_two (id int);", "downgrade_sql": "DROP TABLE per_two;"},
 {"revision": "q3", "down_revision": "q2", "upgrade_sql": "CREATE TABLE per_three (id int);\nSELECT 1 / 0;", "downgrade_sql": "DROP TABLE per_three;"}
]$$);
-- A failure keeps the committed prefix of whole revisions.
CALL metamigrate.upgrade_per_revision('per:main');
SELECT * FROM metamigrate.current('per:main');
SELECT relname FROM pg_class WHERE relname LIKE 'per\_%' AND relkind = 'r' ORDER BY 1;
SELECT revision, direction, heads_after FROM metamigrate.history WHERE provider = 'per:main' ORDER BY id;
-- The result summarises the steps of this call.
SELECT metamigrate.upload_revisions('per:main', $$[
 {"revision": "q3", "down_revision": "q2", "upgrade_sql": "CREATE TABLE per_three (id int);", "downgrade_sql": "DROP TABLE per_three;"}]$$);
-- (A top-level DO block is non-atomic too, so the CALL may commit inside it.)
DO $$
DECLARE result jsonb;
BEGIN
  CALL metamigrate.upgrade_per_revision('per:main', 'head', result);
  RAISE NOTICE 'upgrade: from % to %, steps %', result -> 'from', result -> 'to',
    jsonb_path_query_array(result, '$.steps[*].revision');
  result := NULL;
  CALL metamigrate.downgrade_per_revision('per:main', '-2', result);
  RAISE NOTICE 'downgrade: from % to %, steps %', result -> 'from', result -> 'to',
    jsonb_path_query_array(result, '$.steps[*].revision');
END $$;
SELECT * FROM metamigrate.current('per:main');
-- Inside a transaction block the procedures refuse (they could not commit).
BEGIN;
CALL metamigrate.upgrade_per_revision('per:main');
ROLLBACK;
-- They pin their own search_path: a decoy operator in public is never used.
CREATE TABLE per_pwned (how text);
CREATE FUNCTION public.per_texteq(text, text) RETURNS boolean LANGUAGE sql AS
  $$ INSERT INTO public.per_pwned VALUES ('=') RETURNING true $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.per_texteq);
SET search_path = public, pg_catalog;
DO $$
DECLARE result jsonb;
BEGIN
  CALL metamigrate.downgrade_per_revision('per:main', 'base', result);
  RAISE NOTICE 'downgraded to %', result OPERATOR(pg_catalog.->) 'to';
END $$;
RESET search_path;
SELECT count(*) AS decoy_calls FROM per_pwned;
DROP OPERATOR public.= (text, text);
DROP FUNCTION public.per_texteq(text, text);
DROP TABLE per_pwned;
SELECT * FROM metamigrate.current('per:main');
-- Non-transactional revisions are left to the client here too.
SELECT metamigrate.upload_revisions('per:main', $$[
 {"revision": "q4", "down_revision": "q3", "transactional": false, "upgrade_sql": "CREATE INDEX CONCURRENTLY per_idx ON per_one (id);", "downgrade_sql": ""}]$$);
CALL metamigrate.upgrade_per_revision('per:main');
SELECT * FROM metamigrate.current('per:main');
-- Migrations require READ COMMITTED: a waiter must see the previous migrator's work.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT metamigrate.upgrade('per:main', 'q1');
ROLLBACK;
