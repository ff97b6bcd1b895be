-- metamigrate 0.1.0: catalog and SQL API.
\echo Use "CREATE EXTENSION metamigrate" to load this file. \quit

-- ------------------------------------------------------------------ catalog
-- Written only by the extension's C functions (which switch to the catalog
-- owner for it); PUBLIC may read but never write.

CREATE TABLE metamigrate.provider (
    provider_key    text PRIMARY KEY,
    package         text NOT NULL,
    namespace       text NOT NULL,
    owner_role      name NOT NULL,
    version_schema  name NOT NULL,
    version_table   name NOT NULL,
    version_column  name NOT NULL,
    search_path     text NOT NULL,
    registered_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    registered_by   name NOT NULL DEFAULT SESSION_USER,
    CONSTRAINT provider_version_table_unique UNIQUE (version_schema, version_table)
);
COMMENT ON TABLE metamigrate.provider IS 'Migration streams (package:namespace) with their owner role and version table';

CREATE TABLE metamigrate.revision (
    provider_key    text NOT NULL REFERENCES metamigrate.provider ON DELETE CASCADE,
    revision        varchar(32) NOT NULL,
    down_revisions  text[] NOT NULL DEFAULT '{}',
    depends_on      text[] NOT NULL DEFAULT '{}',
    branch_labels   text[] NOT NULL DEFAULT '{}',
    message         text NOT NULL DEFAULT '',
    upgrade_sql     text NOT NULL,
    downgrade_sql   text NOT NULL DEFAULT '',
    transactional   boolean NOT NULL DEFAULT true,
    checksum        text NOT NULL,
    source          text,
    uploaded_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    uploaded_by     name NOT NULL DEFAULT SESSION_USER,
    PRIMARY KEY (provider_key, revision)
);
COMMENT ON TABLE metamigrate.revision IS 'Uploaded revisions of each provider; checksum is sha256 of both SQL sections';

CREATE TABLE metamigrate.history (
    id              bigserial PRIMARY KEY,
    provider        text NOT NULL,
    revision        varchar(32) NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'stamp')),
    applied_at      timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    duration        interval NOT NULL,
    "session_user"  name NOT NULL DEFAULT SESSION_USER,
    executed_as     name NOT NULL,
    checksum        text,
    heads_after     text[] NOT NULL
);
CREATE INDEX history_provider_idx ON metamigrate.history (provider, id);
COMMENT ON TABLE metamigrate.history IS 'Audit trail: one row per applied, reverted or stamped revision';

GRANT USAGE ON SCHEMA metamigrate TO PUBLIC;
REVOKE ALL ON metamigrate.provider, metamigrate.revision, metamigrate.history FROM PUBLIC;
REVOKE ALL ON SEQUENCE metamigrate.history_id_seq FROM PUBLIC;
GRANT SELECT ON metamigrate.provider, metamigrate.revision, metamigrate.history TO PUBLIC;

-- Keep catalog rows in pg_dump output.
SELECT pg_catalog.pg_extension_config_dump('metamigrate.provider', '');
SELECT pg_catalog.pg_extension_config_dump('metamigrate.revision', '');
SELECT pg_catalog.pg_extension_config_dump('metamigrate.history', '');
SELECT pg_catalog.pg_extension_config_dump('metamigrate.history_id_seq', '');

-- ------------------------------------------------------------------ API
-- Plain (not SECURITY DEFINER) C functions: they check the caller's
-- membership in the provider's owner role themselves, run revision SQL as
-- that role and catalog writes as the catalog owner.

CREATE FUNCTION metamigrate.register_provider(
    package text, namespace text, owner_role name,
    version_schema name DEFAULT 'public', version_table name DEFAULT NULL,
    version_column name DEFAULT 'version_num')
RETURNS text
LANGUAGE C VOLATILE CALLED ON NULL INPUT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_register_provider';
COMMENT ON FUNCTION metamigrate.register_provider(text, text, name, name, name, name)
    IS 'Register (or confirm) a provider; returns its key package:namespace';

CREATE FUNCTION metamigrate.upload_revisions(provider text, revisions jsonb)
RETURNS integer
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_upload_revisions';
COMMENT ON FUNCTION metamigrate.upload_revisions(text, jsonb)
    IS 'Validate and store revisions; returns how many were inserted or replaced';

CREATE FUNCTION metamigrate.upgrade(provider text, target text DEFAULT 'head')
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_upgrade';

CREATE FUNCTION metamigrate.downgrade(provider text, target text)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_downgrade';

CREATE FUNCTION metamigrate.stamp(provider text, target text)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_stamp';

CREATE FUNCTION metamigrate.stamp(provider text, target text, purge boolean)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_stamp';
COMMENT ON FUNCTION metamigrate.stamp(text, text, boolean)
    IS 'Set the version table to target without running SQL; purge ignores the current rows';

CREATE FUNCTION metamigrate.current(provider text)
RETURNS SETOF text
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_current';

CREATE FUNCTION metamigrate.plan(provider text, direction text, target text)
RETURNS TABLE(step integer, revision text, direction text)
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_plan';

CREATE FUNCTION metamigrate.record_step(provider text, revision text, direction text,
    duration_ms double precision DEFAULT 0)
RETURNS jsonb
LANGUAGE C VOLATILE CALLED ON NULL INPUT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_record_step';
COMMENT ON FUNCTION metamigrate.record_step(text, text, text, double precision)
    IS 'Record one revision the client ran itself (non-transactional): version table and history';

-- ------------------------------------------------------------------ MetaTable catalog
-- One uuid identifies this database as a data source.
CREATE TABLE metamigrate.data_source (
    uid         uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    only_one    boolean NOT NULL DEFAULT true UNIQUE CHECK (only_one)
);
INSERT INTO metamigrate.data_source DEFAULT VALUES;

CREATE TABLE metamigrate.meta_table (
    uid                   uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    identifier            text NOT NULL,
    namespace             text NOT NULL,
    provider              text NOT NULL REFERENCES metamigrate.provider ON DELETE CASCADE,
    data_source_uid       uuid NOT NULL,
    schema_name           name NOT NULL,
    table_name            name NOT NULL,
    kind                  text NOT NULL CHECK (kind IN ('meta_table', 'time_index_meta_table', 'alembic_version')),
    status                text NOT NULL CHECK (status IN ('reserved', 'active', 'retired')),
    table_contract        jsonb NOT NULL DEFAULT '{}',
    storage_hash          text,
    protect_from_deletion boolean NOT NULL DEFAULT true,
    table_oid             oid,            -- set when active: drops are matched by OID (renames are not drops)
    reserved_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
    finalized_at          timestamptz,
    finalized_revision    text,
    retired_at            timestamptz
);
CREATE UNIQUE INDEX meta_table_physical_name ON metamigrate.meta_table (schema_name, table_name)
    WHERE status <> 'retired';
CREATE INDEX meta_table_provider ON metamigrate.meta_table (provider, identifier);
COMMENT ON TABLE metamigrate.meta_table IS 'MetaTable catalog: managed tables keyed by physical name, reserved then finalized';

-- Temporary migration logins; the password is never stored.
CREATE TABLE metamigrate.credential (
    role_name    name PRIMARY KEY,
    provider     text NOT NULL,
    owner_role   name NOT NULL,
    purpose      text NOT NULL,
    issued_to    name NOT NULL DEFAULT SESSION_USER,
    issued_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    expires_at   timestamptz NOT NULL
);

REVOKE ALL ON metamigrate.data_source, metamigrate.meta_table, metamigrate.credential FROM PUBLIC;
GRANT SELECT ON metamigrate.data_source, metamigrate.meta_table, metamigrate.credential TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('metamigrate.meta_table', '');

CREATE FUNCTION metamigrate.data_source_uid() RETURNS uuid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT uid FROM metamigrate.data_source $$;

CREATE FUNCTION metamigrate.reserve(request jsonb)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_reserve';
COMMENT ON FUNCTION metamigrate.reserve(jsonb)
    IS 'Reserve (or reuse) catalog rows for a provider''s managed tables; creates no physical table';

CREATE FUNCTION metamigrate.finalize(request jsonb)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_finalize';
COMMENT ON FUNCTION metamigrate.finalize(jsonb)
    IS 'Introspect reserved tables, store contract and storage hash, flip reserved to active (MM010 when missing)';

CREATE FUNCTION metamigrate.version_meta_table(provider text)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_version_meta_table';
COMMENT ON FUNCTION metamigrate.version_meta_table(text)
    IS 'Resolve or register the catalog row of the provider''s version table only';

CREATE FUNCTION metamigrate.attach(table_names text[])
RETURNS TABLE(uid uuid, identifier text, schema_name name, table_name name, status text)
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_attach';
COMMENT ON FUNCTION metamigrate.attach(text[])
    IS 'Runtime lookup of managed tables by physical name; fails listing every missing or inactive one';

CREATE FUNCTION metamigrate.run_after_register(provider text, hook text, finalized jsonb)
RETURNS void
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_run_after_register';
COMMENT ON FUNCTION metamigrate.run_after_register(text, text, jsonb)
    IS 'Call the provider''s after_register hook (a function taking jsonb) as the owner role';

CREATE FUNCTION metamigrate.migration_connection(request jsonb)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_migration_connection';
COMMENT ON FUNCTION metamigrate.migration_connection(jsonb)
    IS 'Issue a short-lived LOGIN role that is a member of the provider''s owner role';

CREATE FUNCTION metamigrate.reap_credentials()
RETURNS integer
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_reap_credentials';
COMMENT ON FUNCTION metamigrate.reap_credentials()
    IS 'Drop expired migration logins; returns how many were dropped';

-- Deletion protection: active managed tables may only be dropped by a
-- migration of the provider that owns them.
CREATE FUNCTION metamigrate.protect_managed_tables()
RETURNS event_trigger
LANGUAGE C
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_protect_managed_tables';

CREATE EVENT TRIGGER metamigrate_protect_managed_tables ON sql_drop
    EXECUTE FUNCTION metamigrate.protect_managed_tables();
