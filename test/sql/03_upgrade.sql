-- Planning and applying through branches and merges, with every target form.
CREATE FUNCTION pg_temp.steps(result jsonb) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg((s ->> 'revision') || ':' || left(s ->> 'direction', 2), ' ' ORDER BY n), '(none)')
    FROM jsonb_array_elements(result -> 'steps') WITH ORDINALITY AS t(s, n)
$$;
CREATE FUNCTION pg_temp.vt() RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '(empty)') FROM public.app_alembic_version
$$;
CREATE FUNCTION pg_temp.tables() RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(relname, ',' ORDER BY relname), '(none)') FROM pg_class
   WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname LIKE 't\_%'
$$;

-- r1 -> r2 -> {r3a, r3b} -> r4 (merge); r3a carries label "alpha".
SELECT metamigrate.upload_revisions('app:main', $$[
 {"revision": "r1", "down_revision": null, "message": "one",
  "upgrade_sql": "CREATE TABLE t_one (id int PRIMARY KEY);", "downgrade_sql": "DROP TABLE t_one;"},
 {"revision": "r2", "down_revision": "r1",
  "upgrade_sql": "CREATE TABLE t_two (id int);\nINSERT INTO t_two VALUES (1);", "downgrade_sql": "DROP TABLE t_two;"},
 {"revision": "r3a", "down_revision": "r2", "branch_labels": ["alpha"],
  "upgrade_sql": "CREATE TABLE t_three_a (id int);", "downgrade_sql": "DROP TABLE t_three_a;"},
 {"revision": "r3b", "down_revision": "r2",
  "upgrade_sql": "CREATE TABLE t_three_b (id int);", "downgrade_sql": "DROP TABLE t_three_b;"},
 {"revision": "r4", "down_revision": ["r3a", "r3b"],
  "upgrade_sql": "CREATE TABLE t_four (id int);", "downgrade_sql": "DROP TABLE t_four;"}
]$$);

-- plan changes nothing.
SELECT * FROM metamigrate.plan('app:main', 'upgrade', 'head');
SELECT pg_temp.vt(), pg_temp.tables();

-- The acceptance scenario, step by step as Alembic would do it.
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'r2')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'r3a')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'r3b')), pg_temp.vt();
SELECT * FROM metamigrate.current('app:main');
SELECT * FROM metamigrate.plan('app:main', 'upgrade', 'head');
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'head')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'head')) AS again, pg_temp.vt();
SELECT * FROM metamigrate.plan('app:main', 'downgrade', 'r2');
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'r2')), pg_temp.vt(), pg_temp.tables();
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'base')), pg_temp.vt(), pg_temp.tables();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', '+2')), pg_temp.vt();

-- Other target forms.
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'alpha@head')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'alpha@base')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'heads')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.downgrade('app:main', '-1')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'r3a')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'r3b-1')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'r1+1')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'r4-1')) AS "r4-1 is ambiguous?";
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'r3')) AS "prefix r3 is ambiguous";
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'r3b')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'r1')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'nope'));
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'beta@head'));
SELECT pg_temp.steps(metamigrate.upgrade('app:main', '-1'));
SELECT pg_temp.steps(metamigrate.downgrade('app:main', '+1'));
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'heads'));
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'r4'));
SELECT pg_temp.steps(metamigrate.upgrade('app:main', '+5'));
SELECT * FROM metamigrate.plan('app:main', 'sideways', 'head');
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'base')), pg_temp.vt();

-- "head" is ambiguous when the graph has several heads.
SELECT metamigrate.upload_revisions('app:main',
  '[{"revision": "r5x", "down_revision": "r4", "upgrade_sql": "", "downgrade_sql": ""},
    {"revision": "r5y", "down_revision": "r4", "upgrade_sql": "", "downgrade_sql": ""}]');
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'head'));
SELECT pg_temp.steps(metamigrate.upgrade('app:main', 'heads')), pg_temp.vt();
SELECT pg_temp.steps(metamigrate.downgrade('app:main', '-1'));
SELECT pg_temp.steps(metamigrate.downgrade('app:main', 'r4')), pg_temp.vt();

-- Every object is owned by the owner role, including the version table,
-- which has Alembic's exact shape.
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i') ORDER BY 1;
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a
 WHERE a.attrelid = 'public.app_alembic_version'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'public.app_alembic_version'::regclass;

-- History: one row per step, in order, with who and the checksum.
SELECT revision, direction, heads_after, "session_user", executed_as, duration >= '0'::interval AS timed,
       checksum = (SELECT checksum FROM metamigrate.revision r WHERE r.provider_key = h.provider AND r.revision = h.revision) AS checksum_ok
  FROM metamigrate.history h WHERE provider = 'app:main' ORDER BY id LIMIT 12;
SELECT count(*) AS history_rows FROM metamigrate.history WHERE provider = 'app:main';

-- depends_on: the dependency is applied first and collapses into the dependent.
SELECT metamigrate.register_provider('dep', 'main', 'mm_app_owner');
SELECT metamigrate.upload_revisions('dep:main',
  '[{"revision": "a1", "down_revision": null, "upgrade_sql": "", "downgrade_sql": ""},
    {"revision": "a2", "down_revision": "a1", "upgrade_sql": "", "downgrade_sql": ""},
    {"revision": "b1", "down_revision": null, "depends_on": ["a1"], "branch_labels": ["b"], "upgrade_sql": "", "downgrade_sql": ""}]');
SELECT pg_temp.steps(metamigrate.upgrade('dep:main', 'b@head')), array(SELECT metamigrate.current('dep:main')) AS heads;
SELECT pg_temp.steps(metamigrate.upgrade('dep:main', 'a2')), array(SELECT metamigrate.current('dep:main')) AS heads;
SELECT pg_temp.steps(metamigrate.downgrade('dep:main', 'a1')), array(SELECT metamigrate.current('dep:main')) AS heads;
SELECT pg_temp.steps(metamigrate.downgrade('dep:main', 'base')), array(SELECT metamigrate.current('dep:main')) AS heads;
