-- Temporary migration logins.
SELECT metamigrate.register_provider('cred', 'main', 'mm_sdk_owner', 'public', 'cred_version');
SELECT metamigrate.upload_revisions('cred:main',
  '[{"revision": "c1", "down_revision": null, "upgrade_sql": "CREATE TABLE cred_t (id int);", "downgrade_sql": "DROP TABLE cred_t;"}]');
SELECT m ->> 'role' AS role, m ->> 'uri' AS uri, m ->> 'owner_role' AS owner_role,
       (m ->> 'expires_at')::timestamptz - now() BETWEEN '50 seconds' AND '61 seconds' AS ttl_ok
  FROM metamigrate.migration_connection('{"package": "cred", "migration_namespace": "main", "ttl_seconds": 60, "host": "db.example", "port": 6432}') m \gset cred_
SELECT :'cred_role' ~ '^mm_tmp_cred_[0-9a-f]{12}$' AS role_named,
       :'cred_uri' ~ ('^postgresql://' || :'cred_role' || ':[0-9a-f]{64}@db\.example:6432/contrib_regression$') AS uri_shape,
       :'cred_owner_role' AS owner_role, :'cred_ttl_ok' AS ttl_ok;
-- A LOGIN role with a connection limit and an expiry, a member of the owner role only.
SELECT rolcanlogin, rolconnlimit, rolvaliduntil > now() AS expires_later, rolsuper, rolcreaterole, rolcreatedb
  FROM pg_roles WHERE rolname = :'cred_role';
SELECT b.rolname AS member_of FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid
 WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = :'cred_role');
-- The password is stored only as PostgreSQL's SCRAM verifier, never in metamigrate's tables.
SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram_only,
       position(substring(:'cred_uri' from ':([0-9a-f]{64})@') IN rolpassword) = 0 AS no_plaintext
  FROM pg_authid WHERE rolname = :'cred_role';
SELECT count(*) AS credential_columns_named_password FROM information_schema.columns
 WHERE table_schema = 'metamigrate' AND column_name ILIKE '%password%';
SELECT role_name = :'cred_role' AS recorded, provider, owner_role, purpose FROM metamigrate.credential;
-- The credential can migrate: it is a member of the owner role.
SET ROLE :"cred_role";
SELECT metamigrate.upgrade('cred:main') -> 'to' AS heads;
SELECT metamigrate.downgrade('cred:main', 'base') -> 'to' AS heads;
RESET ROLE;
-- Unix-socket sessions get a socket URI when no host is given.
SELECT (m ->> 'uri') ~ '^postgresql://mm_tmp_cred_[0-9a-f]{12}:[0-9a-f]{64}@(/contrib_regression\?host=%2F.*&port=[0-9]+|localhost:[0-9]+/contrib_regression)$' AS uri_shape
  FROM metamigrate.migration_connection('{"package": "cred", "migration_namespace": "main"}') m;
-- Bad requests and outsiders.
SELECT metamigrate.migration_connection('{"package": "cred", "migration_namespace": "main", "ttl_seconds": 7200}');
SELECT metamigrate.migration_connection('{"package": "cred", "migration_namespace": "main", "ttl_seconds": "soon"}');
SELECT metamigrate.migration_connection('{"package": "cred"}');
SELECT metamigrate.migration_connection('{"package": "nope", "migration_namespace": "main"}');
SET ROLE mm_outsider;
SELECT metamigrate.migration_connection('{"package": "cred", "migration_namespace": "main"}');
RESET ROLE;
-- Expired credentials are reaped (unexpired ones stay).
SELECT count(*) AS issued FROM metamigrate.credential WHERE dropped_at IS NULL;
UPDATE metamigrate.credential SET expires_at = now() - interval '1 second' WHERE role_name = :'cred_role';
SELECT metamigrate.reap_credentials() AS reaped;
-- The row stays as the audit record of whom the dropped login was issued to.
SELECT count(*) AS left_over, bool_and(role_name <> :'cred_role') AS expired_one_gone FROM metamigrate.credential
 WHERE dropped_at IS NULL;
SELECT issued_to, dropped_at IS NOT NULL AS dropped FROM metamigrate.credential WHERE role_name = :'cred_role';
SELECT count(*) AS role_exists FROM pg_roles WHERE rolname = :'cred_role';
-- Clean up: expire the rest.
UPDATE metamigrate.credential SET expires_at = now() - interval '1 second';
SELECT metamigrate.reap_credentials() AS reaped;
