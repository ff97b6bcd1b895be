-- stamp moves the version table without running SQL; record_step records
-- one revision the client ran itself.
CREATE FUNCTION pg_temp.vt() RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(v, ',' ORDER BY v), '(empty)') FROM metamigrate.current('app:main') AS v
$$;
SELECT pg_temp.vt();
SELECT metamigrate.stamp('app:main', 'r3a') -> 'to', pg_temp.vt();
SELECT metamigrate.stamp('app:main', 'r3b') -> 'to', pg_temp.vt();
SELECT metamigrate.stamp('app:main', 'heads') -> 'to', pg_temp.vt();
SELECT metamigrate.stamp('app:main', 'r2') -> 'to', pg_temp.vt();
SELECT metamigrate.stamp('app:main', 'r3b', true) -> 'to', pg_temp.vt();
SELECT metamigrate.stamp('app:main', 'base') -> 'to', pg_temp.vt();
SELECT metamigrate.stamp('app:main', 'zzz');
-- No table was created by stamping.
SELECT count(*) FROM pg_class WHERE relname LIKE 't\_%' AND relkind = 'r';
SELECT revision, direction, heads_after FROM metamigrate.history
 WHERE provider = 'app:main' AND direction = 'stamp' ORDER BY id;

SELECT metamigrate.record_step('app:main', 'r1', 'upgrade') -> 'to';
SELECT metamigrate.record_step('app:main', 'r3a', 'upgrade');
SELECT metamigrate.record_step('app:main', 'r1', 'upgrade');
SELECT metamigrate.record_step('app:main', 'r2', 'upgrade') -> 'to';
SELECT metamigrate.record_step('app:main', 'r1', 'downgrade');
SELECT metamigrate.record_step('app:main', 'r2', 'sideways');
SELECT metamigrate.record_step('app:main', 'r2', 'downgrade') -> 'to';
SELECT metamigrate.record_step('app:main', 'r1', 'downgrade') -> 'to';
SELECT revision, direction, heads_after FROM metamigrate.history
 WHERE provider = 'app:main' ORDER BY id DESC LIMIT 4;
