
-- ------------------------------------------------------------------ verify
-- The schemas a provider owns (the manifest's "schemas"); autogenerate
-- and verify look at exactly these.
ALTER TABLE metamigrate.provider ADD COLUMN schemas text[];

CREATE FUNCTION metamigrate.set_provider_schemas(provider text, schemas text[])
RETURNS void
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_set_provider_schemas';
COMMENT ON FUNCTION metamigrate.set_provider_schemas(text, text[])
    IS 'Set the schemas a provider owns (default: its version schema)';

-- Read-only: what `metamigrate current` needs in one call, so that a
-- provider registered as its manifest says needs no registration call.
CREATE FUNCTION metamigrate.provider_state(provider text, version_row boolean DEFAULT true)
RETURNS jsonb
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_provider_state';
COMMENT ON FUNCTION metamigrate.provider_state(text, boolean)
    IS 'The provider''s registration, heads and (with version_row) the active version-table catalog row; registered: false when unknown; writes nothing';

-- The registration alone, in plain SQL: `metamigrate current` reads the
-- heads itself (COPY, as the caller) and so loads no library in a new
-- backend.
CREATE FUNCTION metamigrate.provider_registration(provider text)
RETURNS TABLE(owner_role name, version_schema name, version_table name, version_column name, schemas json)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p.owner_role, p.version_schema, p.version_table, p.version_column, array_to_json(p.schemas)
    FROM metamigrate.provider p
    WHERE p.provider_key = provider
$$;
COMMENT ON FUNCTION metamigrate.provider_registration(text)
    IS 'The provider''s owner role, version table and schemas (no row when unknown); writes nothing';

-- The snapshot of the provider's schemas after its last migration: when
-- and at which heads (here), and its objects (schema_state_object).
CREATE TABLE metamigrate.schema_state (
    provider     text PRIMARY KEY REFERENCES metamigrate.provider ON DELETE CASCADE,
    captured_at  timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    heads        text[] NOT NULL,
    schemas      text[] NOT NULL,
    objects      integer,          -- how many objects it has; NULL when capturing failed
    capture_error text
);
REVOKE ALL ON metamigrate.schema_state FROM PUBLIC;
GRANT SELECT ON metamigrate.schema_state TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('metamigrate.schema_state', '');

-- One row per object of that snapshot, its model as the snapshot prints it,
-- so that capturing after a migration rewrites only what changed.
CREATE TABLE metamigrate.schema_state_object (
    provider     text NOT NULL REFERENCES metamigrate.provider ON DELETE CASCADE,
    section      text NOT NULL,    -- tables, views, types, ...
    name         text NOT NULL,    -- schema, name (and a function's arguments), \x01-separated
    model        text NOT NULL,
    PRIMARY KEY (provider, section, name)
);
REVOKE ALL ON metamigrate.schema_state_object FROM PUBLIC;
GRANT SELECT ON metamigrate.schema_state_object TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('metamigrate.schema_state_object', '');

CREATE FUNCTION metamigrate.verify(provider text)
RETURNS TABLE(kind text, detail text)
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_verify';
COMMENT ON FUNCTION metamigrate.verify(text)
    IS 'Compare the live schemas with the state stored after the last migration: rows of kind drift, ddl_event, stale or error; none when clean';
