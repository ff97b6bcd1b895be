-- A failing revision leaves nothing behind, and its error says where it failed.
CREATE FUNCTION pg_temp.vt() RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(v, ',' ORDER BY v), '(empty)') FROM metamigrate.current('fail:main') AS v
$$;
SELECT metamigrate.register_provider('fail', 'main', 'mm_app_owner');
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f1", "down_revision": null, "upgrade_sql": "CREATE TABLE f_one (id int);", "downgrade_sql": "DROP TABLE f_one;"},
 {"revision": "f2", "down_revision": "f1",
  "upgrade_sql": "-- adds a column\nALTER TABLE f_one ADD COLUMN note text;\n\nCREATE TABLE f_two (id int);\nINSERT INTO f_two\n  VALUES (1 / 0);\nCREATE TABLE f_never (id int);",
  "downgrade_sql": "DROP TABLE f_two;\nALTER TABLE f_one DROP COLUMN note;"},
 {"revision": "f3", "down_revision": "f2", "upgrade_sql": "CREATE TABLE f_three (id int);", "downgrade_sql": "DROP TABLE f_three;"}
]$$);
SELECT metamigrate.upgrade('fail:main', 'f1') ->> 'to';
SELECT count(*) AS history_before FROM metamigrate.history WHERE provider = 'fail:main';
-- The error keeps division_by_zero and names provider, revision, direction, statement and line.
\set VERBOSITY verbose
SELECT metamigrate.upgrade('fail:main', 'head');
\set VERBOSITY default
-- Nothing changed: schema, version table, history.
SELECT pg_temp.vt();
SELECT relname FROM pg_class WHERE relname LIKE 'f\_%' AND relkind = 'r' ORDER BY 1;
SELECT count(*) FROM pg_attribute WHERE attrelid = 'f_one'::regclass AND attname = 'note';
SELECT count(*) AS history_after FROM metamigrate.history WHERE provider = 'fail:main';

-- Syntax errors are reported with their line before anything runs.
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f2", "down_revision": "f1", "upgrade_sql": "CREATE TABLE f_two (id int);\nCREATE TABLE f_oops (id int,,);", "downgrade_sql": "DROP TABLE f_two;"}]$$);
SELECT metamigrate.upgrade('fail:main', 'head');
SELECT pg_temp.vt();

-- Transaction control is not allowed inside a revision.
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f2", "down_revision": "f1", "upgrade_sql": "CREATE TABLE f_two (id int);\nCOMMIT;", "downgrade_sql": "DROP TABLE f_two;"}]$$);
SELECT metamigrate.upgrade('fail:main', 'head');
-- Revision SQL cannot leave the owner role.
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f2", "down_revision": "f1", "upgrade_sql": "SET ROLE postgres;", "downgrade_sql": ""}]$$);
SELECT metamigrate.upgrade('fail:main', 'head');
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f2", "down_revision": "f1", "upgrade_sql": "CREATE TABLE f_two (id int); SELECT current_user, session_user;", "downgrade_sql": "DROP TABLE f_two;"}]$$);
-- ... and its privileges are the owner's: it cannot touch the catalog.
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f3", "down_revision": "f2", "upgrade_sql": "DELETE FROM metamigrate.history;", "downgrade_sql": ""}]$$);
SELECT metamigrate.upgrade('fail:main', 'head');
SELECT pg_temp.vt();
SELECT metamigrate.upgrade('fail:main', 'f2') ->> 'to';
-- A failed downgrade leaves everything too. (f3's downgrade divides by
-- the number of rows in f_one, so it fails until a row is inserted.)
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f3", "down_revision": "f2", "upgrade_sql": "SELECT 1;",
  "downgrade_sql": "SELECT 1;\nSELECT 1 / (SELECT count(*)::int FROM f_one);"}]$$);
SELECT metamigrate.upgrade('fail:main', 'f3') ->> 'to';
SELECT metamigrate.downgrade('fail:main', 'base');
SELECT pg_temp.vt();
SELECT relname FROM pg_class WHERE relname LIKE 'f\_%' AND relkind = 'r' ORDER BY 1;
INSERT INTO f_one VALUES (1);
-- The search_path of revision SQL is fixed (the version schema), whatever the caller's is.
SET search_path = pg_catalog;
SELECT metamigrate.downgrade('fail:main', 'f1') ->> 'to';
RESET search_path;
SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relname LIKE 'f\_%' AND relkind = 'r' ORDER BY 1;
SELECT metamigrate.upgrade('fail:main', 'f3') ->> 'to';
-- Non-transactional revisions are refused in the server (the client runs them).
SELECT metamigrate.upload_revisions('fail:main', $$[
 {"revision": "f4", "down_revision": "f3", "transactional": false, "upgrade_sql": "CREATE INDEX CONCURRENTLY f_idx ON f_one (id);", "downgrade_sql": ""}]$$);
SELECT metamigrate.upgrade('fail:main', 'head');
SELECT pg_temp.vt();
