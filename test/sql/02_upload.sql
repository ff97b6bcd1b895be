-- Uploading revisions: validation, checksums, replacement rules.
CREATE FUNCTION pg_temp.rev(id text, down jsonb DEFAULT 'null', up text DEFAULT 'SELECT 1', extra jsonb DEFAULT '{}')
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('revision', id, 'down_revision', down, 'upgrade_sql', up,
                            'downgrade_sql', 'SELECT 2') || extra
$$;

SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u1'), pg_temp.rev('u2', '"u1"')));
-- Re-uploading identical revisions changes nothing.
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u1'), pg_temp.rev('u2', '"u1"')));
SELECT revision, down_revisions, length(checksum) AS checksum_len,
       checksum = encode(sha256(convert_to('upgrade:8' || chr(10) || 'SELECT 1' || chr(10) || 'downgrade:8' || chr(10) || 'SELECT 2', 'UTF8')), 'hex') AS checksum_is_sha256
  FROM metamigrate.revision WHERE provider_key = 'app:main' ORDER BY revision;
-- An unapplied revision may be replaced.
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u2', '"u1"', 'SELECT 3')));
SELECT upgrade_sql FROM metamigrate.revision WHERE revision = 'u2';

-- Validation errors; each leaves the store unchanged.
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev(repeat('x', 33))));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('bad id')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u3', '"missing"')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u3', '"u3"')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('c1', '"c2"'), pg_temp.rev('c2', '"c1"')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u3', '"u2"'), pg_temp.rev('u3', '"u2"')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u3', '"u2"', 'SELECT 1', '{"depends_on": ["ghost"]}')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(
  pg_temp.rev('l1', '"u2"', 'SELECT 1', '{"branch_labels": ["lab"]}'),
  pg_temp.rev('l2', '"u2"', 'SELECT 1', '{"branch_labels": ["lab"]}')));
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u3', '"u2"', 'SELECT 1', '{"colour": "red"}')));
SELECT metamigrate.upload_revisions('app:main', '{"revision": "u3"}');
SELECT metamigrate.upload_revisions('app:main', '[{"revision": "u3", "down_revision": 5, "upgrade_sql": ""}]');
SELECT count(*) FROM metamigrate.revision WHERE provider_key = 'app:main';

-- Once applied, a revision's SQL may not change; the error names both checksums.
SELECT metamigrate.upgrade('app:main', 'u1') ->> 'to' AS heads;
\set VERBOSITY terse
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u1', 'null', 'SELECT 42')));
\set VERBOSITY default
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u1', 'null', 'SELECT 42'))) IS NULL;
-- (the detail shows both checksums)
DO $$
BEGIN
  PERFORM metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u1', 'null', 'SELECT 42')));
EXCEPTION WHEN OTHERS THEN
  DECLARE d text; s text;
  BEGIN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, s = RETURNED_SQLSTATE;
    RAISE NOTICE 'sqlstate %, detail names stored checksum: %, uploaded checksum: %', s,
      position((SELECT checksum FROM metamigrate.revision WHERE revision = 'u1') IN d) > 0,
      position(encode(sha256(convert_to('upgrade:9' || chr(10) || 'SELECT 42' || chr(10) || 'downgrade:8' || chr(10) || 'SELECT 2', 'UTF8')), 'hex') IN d) > 0;
  END;
END $$;
-- Moving an applied revision in the graph is refused too.
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u1', '"u2"')));
-- The message of an applied revision may be corrected.
SELECT metamigrate.upload_revisions('app:main', jsonb_build_array(pg_temp.rev('u1', 'null', 'SELECT 1', '{"message": "first"}')));
SELECT metamigrate.downgrade('app:main', 'base') ->> 'to' AS heads;
DELETE FROM metamigrate.revision WHERE provider_key = 'app:main';
DELETE FROM metamigrate.history;
