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

-- Temporary migration logins; the password is never stored. A row stays
-- after its login was dropped (dropped_at): the audit record of whom the
-- login that history names was issued to.
CREATE TABLE metamigrate.credential (
    role_name    name PRIMARY KEY,
    provider     text NOT NULL,
    owner_role   name NOT NULL,
    purpose      text NOT NULL,
    issued_to    name NOT NULL DEFAULT SESSION_USER,
    issued_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    expires_at   timestamptz NOT NULL,
    -- A login that could not be dropped (it owns objects in another
    -- database) is retried after a while, never failing the reaper.
    reap_failed_at timestamptz,
    reap_error   text,
    dropped_at   timestamptz
);

-- A row that arrives with a table OID comes from a dump (pg_restore into
-- another database or cluster): OIDs do not survive that, names do, so
-- the OID is looked up again by name. This re-arms deletion protection
-- for the restored tables and keeps it off the unrelated table that now
-- has the old OID. The extension's own inserts never carry one.
CREATE FUNCTION metamigrate.meta_table_restored_oid()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.table_oid := pg_catalog.to_regclass(pg_catalog.format('%I.%I', NEW.schema_name, NEW.table_name));
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION metamigrate.meta_table_restored_oid() FROM PUBLIC;
CREATE TRIGGER meta_table_restored_oid BEFORE INSERT ON metamigrate.meta_table
    FOR EACH ROW WHEN (NEW.table_oid IS NOT NULL) EXECUTE FUNCTION metamigrate.meta_table_restored_oid();

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

CREATE FUNCTION metamigrate.reap_credentials(all_databases boolean DEFAULT false)
RETURNS integer
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_reap_credentials';
COMMENT ON FUNCTION metamigrate.reap_credentials(boolean)
    IS 'Drop expired migration logins of this database and those whose database is gone (all_databases: every expired one in the cluster); returns how many were dropped';

CREATE FUNCTION metamigrate.release_migration_connection(role_name text)
RETURNS boolean
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_release_migration_connection';
COMMENT ON FUNCTION metamigrate.release_migration_connection(text)
    IS 'Drop a migration login once its user is done with it (the role it was issued to, or a member of its owner role)';

-- Deletion protection: active managed tables may only be dropped by a
-- migration of the provider that owns them.
CREATE FUNCTION metamigrate.protect_managed_tables()
RETURNS event_trigger
LANGUAGE C
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_protect_managed_tables';

CREATE EVENT TRIGGER metamigrate_protect_managed_tables ON sql_drop
    EXECUTE FUNCTION metamigrate.protect_managed_tables();
