
-- ------------------------------------------------------------------ lint
-- Classifies each statement with PostgreSQL's own parser; rules and their
-- safe alternatives are documented in docs/lint.md.
CREATE FUNCTION metamigrate.lint(sql text)
RETURNS TABLE(rule text, severity text, line integer, message text)
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_lint';

CREATE FUNCTION metamigrate.lint(sql text, transactional boolean, lock_timeout_set boolean DEFAULT false)
RETURNS TABLE(rule text, severity text, line integer, message text)
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_lint';
COMMENT ON FUNCTION metamigrate.lint(text, boolean, boolean)
    IS 'Lint revision SQL; transactional=false for revisions run outside a transaction, lock_timeout_set when the client sets it';

-- Who holds locks on the tables a statement needs: for reporting a lock
-- wait that timed out (55P03) with the blocking sessions.
CREATE FUNCTION metamigrate.lock_holders(sql text)
RETURNS TABLE(relation text, pid integer, usename name, mode text, state text, xact_start timestamptz, query text)
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_lock_holders';
