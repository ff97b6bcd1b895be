-- Only superusers and members of the owner role may change a provider.
CREATE ROLE mm_member;
GRANT mm_app_owner TO mm_member;
SELECT metamigrate.register_provider('priv', 'main', 'mm_app_owner');
SELECT metamigrate.upload_revisions('priv:main',
  '[{"revision": "p1", "down_revision": null, "upgrade_sql": "CREATE TABLE p_one (id int);", "downgrade_sql": "DROP TABLE p_one;"},
    {"revision": "p2", "down_revision": "p1", "upgrade_sql": "CREATE TABLE p_two (id int);", "downgrade_sql": "DROP TABLE p_two;"}]');

SET ROLE mm_outsider;
SELECT metamigrate.upgrade('priv:main');
SELECT metamigrate.downgrade('priv:main', 'base');
SELECT metamigrate.stamp('priv:main', 'p1');
SELECT metamigrate.upload_revisions('priv:main', '[]');
SELECT metamigrate.record_step('priv:main', 'p1', 'upgrade');
-- Reading is allowed.
SELECT * FROM metamigrate.plan('priv:main', 'upgrade', 'head');
SELECT * FROM metamigrate.current('priv:main');
RESET ROLE;

-- A member migrates; the objects belong to the owner role, not the member.
SET ROLE mm_member;
SELECT metamigrate.upgrade('priv:main') -> 'to' AS heads;
SELECT metamigrate.upload_revisions('priv:main',
  '[{"revision": "p3", "down_revision": "p2", "upgrade_sql": "CREATE TABLE p_three (id int);", "downgrade_sql": "DROP TABLE p_three;"}]');
SELECT metamigrate.upgrade('priv:main') -> 'to' AS heads;
RESET ROLE;
SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname LIKE 'p\_%' AND relkind = 'r' ORDER BY 1;
SELECT DISTINCT executed_as FROM metamigrate.history WHERE provider = 'priv:main';
-- The member's membership does not let revision SQL use the member's own rights.
CREATE TABLE member_private (id int);
ALTER TABLE member_private OWNER TO mm_member;
SELECT metamigrate.upload_revisions('priv:main',
  '[{"revision": "p4", "down_revision": "p3", "upgrade_sql": "DROP TABLE member_private;", "downgrade_sql": ""}]');
SET ROLE mm_member;
SELECT metamigrate.upgrade('priv:main');
SELECT metamigrate.downgrade('priv:main', 'base') -> 'to' AS heads;
RESET ROLE;
DROP TABLE member_private;
