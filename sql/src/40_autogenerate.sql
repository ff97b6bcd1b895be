
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

-- What the client calls: the same model and the same diff and
-- differences, as text. A model of thousands of tables takes as long to
-- parse into jsonb as the diff takes to compute.
CREATE FUNCTION metamigrate.snapshot_text(schemas text[])
RETURNS text
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_snapshot_text';
COMMENT ON FUNCTION metamigrate.snapshot_text(text[])
    IS 'snapshot() as JSON text (the same model; keys in another order)';

CREATE FUNCTION metamigrate.compare_models(from_snapshot text, to_snapshot text)
RETURNS text
LANGUAGE C IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_compare_models';
COMMENT ON FUNCTION metamigrate.compare_models(text, text)
    IS '{"diff": diff(from, to), "differences": [snapshot_differences(from, to)...]} from models as JSON text';

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
-- relid is not read (a folded constant names no column).
CREATE FUNCTION metamigrate.folded_default(expr pg_node_tree, relid oid)
RETURNS text
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_folded_default';
