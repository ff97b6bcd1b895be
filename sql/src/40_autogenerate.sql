
-- ------------------------------------------------------------------ autogenerate
-- snapshot() reads the catalogs of the given schemas into a normalized model
-- (docs/autogenerate.md); diff() compares two models and writes the DDL
-- both ways. Neither changes anything, so PUBLIC may call them; snapshot()
-- sees what the caller may see in the system catalogs.

CREATE FUNCTION metamigrate.snapshot(schemas text[])
RETURNS jsonb
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_snapshot';
COMMENT ON FUNCTION metamigrate.snapshot(text[])
    IS 'Deterministic model of every object in the given schemas (excluding metamigrate''s own and version tables)';

CREATE FUNCTION metamigrate.diff(from_snapshot jsonb, to_snapshot jsonb)
RETURNS jsonb
LANGUAGE C IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_diff';
COMMENT ON FUNCTION metamigrate.diff(jsonb, jsonb)
    IS 'DDL from one model to another: {"upgrade": [...], "downgrade": [...], "data_loss": [...], "downgrade_data_loss": [...]}';

CREATE FUNCTION metamigrate.snapshot_differences(from_snapshot jsonb, to_snapshot jsonb)
RETURNS TABLE(difference text)
LANGUAGE C IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_snapshot_differences';
COMMENT ON FUNCTION metamigrate.snapshot_differences(jsonb, jsonb)
    IS 'Paths where two models differ, e.g. tables[public.t].columns[id].type: "integer" -> "bigint"';

-- Used by snapshot(): a column or domain default that is only a cast of a
-- constant, deparsed after folding the cast (so DEFAULT 0, DEFAULT '0' and
-- DEFAULT 0::numeric on a numeric column read the same); NULL otherwise.
-- pg_node_tree values only come from the catalogs, never from user text.
CREATE FUNCTION metamigrate.folded_default(expr pg_node_tree, relid oid)
RETURNS text
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_folded_default';
