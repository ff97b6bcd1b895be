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

CREATE FUNCTION metamigrate.upload_revisions(provider text, revisions jsonb, prune boolean DEFAULT false)
RETURNS integer
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_upload_revisions';
COMMENT ON FUNCTION metamigrate.upload_revisions(text, jsonb, boolean)
    IS 'Validate and store revisions; with prune, the upload is the whole set and unapplied revisions missing from it are deleted. Returns how many were inserted, replaced or deleted';

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


-- One transaction per revision. Procedures cannot carry a SET clause and
-- still commit, so these pin search_path themselves for every transaction.
CREATE PROCEDURE metamigrate.upgrade_per_revision(provider text, target text DEFAULT 'head',
    INOUT result jsonb DEFAULT NULL)
LANGUAGE C
AS 'MODULE_PATHNAME', 'metamigrate_upgrade_per_revision';
COMMENT ON PROCEDURE metamigrate.upgrade_per_revision(text, text, jsonb)
    IS 'CALL outside a transaction block: commits after every revision, so a failure keeps a prefix of whole revisions';

CREATE PROCEDURE metamigrate.downgrade_per_revision(provider text, target text,
    INOUT result jsonb DEFAULT NULL)
LANGUAGE C
AS 'MODULE_PATHNAME', 'metamigrate_downgrade_per_revision';

CREATE FUNCTION metamigrate.try_lock_provider(provider text)
RETURNS void
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_try_lock_provider';
COMMENT ON FUNCTION metamigrate.try_lock_provider(text)
    IS 'Take the provider''s migration lock for this transaction, or fail at once (MM006) naming who holds it';

CREATE FUNCTION metamigrate.apply_step(provider text, revision text, direction text)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_apply_step';
COMMENT ON FUNCTION metamigrate.apply_step(text, text, text)
    IS 'Run exactly one transactional revision step, if it is legal against the version table now';

-- The provider's migration lock for the whole session, for a client that
-- migrates in several transactions. The lock lives in a key space no SQL
-- function reaches (pg_advisory_lock cannot take or hold it), so only
-- members of the provider's owner role can hold it.
CREATE FUNCTION metamigrate.lock_provider_session(provider text, wait boolean DEFAULT true)
RETURNS boolean
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_lock_provider_session';
COMMENT ON FUNCTION metamigrate.lock_provider_session(text, boolean)
    IS 'Take the provider''s migration lock until unlock_provider_session or the session ends; false when wait is false and another session holds it';

CREATE FUNCTION metamigrate.unlock_provider_session(provider text)
RETURNS boolean
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_unlock_provider_session';

CREATE FUNCTION metamigrate.unregister_provider(provider text)
RETURNS jsonb
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_unregister_provider';
COMMENT ON FUNCTION metamigrate.unregister_provider(text)
    IS 'Remove a provider that never migrated this database (no history, empty version table), with its uploaded revisions';

-- What running migrations do, readable from any session while their
-- transactions are open: a migrating backend publishes its step as its
-- pg_stat_activity.query (kActivityPrefix + JSON, src/core/protocol.hpp);
-- the statements of non-transactional revisions, run by the client, show
-- as sessions named "metamigrate revision <id>" with their concurrent index
-- build's phase. pg_stat_activity's own rules apply: without
-- pg_read_all_stats you see only your roles' sessions in full.
CREATE VIEW metamigrate.progress WITH (security_invoker = true) AS
SELECT a.pid,
       a.usename AS user_name,
       p.doc ->> 'provider' AS provider,
       p.doc ->> 'revision' AS revision,
       p.doc ->> 'direction' AS direction,
       (p.doc ->> 'step')::integer AS step,
       (p.doc ->> 'of')::integer AS steps,
       (p.doc ->> 'statement')::integer AS statement,
       (p.doc ->> 'statements')::integer AS statements,
       p.doc ->> 'text' AS statement_text,
       (p.doc ->> 'attempt')::integer AS attempt,
       (p.doc ->> 'since')::timestamptz AS since,
       a.wait_event_type,
       a.wait_event,
       pg_catalog.pg_blocking_pids(a.pid) AS waiting_on,
       (SELECT pg_catalog.string_agg(l.mode OPERATOR(pg_catalog.||) ' on ' OPERATOR(pg_catalog.||)
                   COALESCE(l.relation::pg_catalog.regclass::text, l.locktype), ', ')
          FROM pg_catalog.pg_locks l WHERE l.pid OPERATOR(pg_catalog.=) a.pid AND NOT l.granted) AS waiting_for,
       NULL::text AS index_phase
  FROM pg_catalog.pg_stat_activity a
 CROSS JOIN LATERAL (
       SELECT CASE WHEN a.query LIKE '/* metamigrate progress */ {%}'
                   THEN pg_catalog.substr(a.query, 28)::pg_catalog.jsonb END AS doc) p
 WHERE p.doc IS NOT NULL
UNION ALL
SELECT a.pid,
       a.usename,
       NULL,
       pg_catalog.substr(a.application_name, 22),
       NULL,
       NULL, NULL, NULL, NULL,
       a.query,
       NULL,
       a.query_start,
       a.wait_event_type,
       a.wait_event,
       pg_catalog.pg_blocking_pids(a.pid),
       (SELECT pg_catalog.string_agg(l.mode OPERATOR(pg_catalog.||) ' on ' OPERATOR(pg_catalog.||)
                   COALESCE(l.relation::pg_catalog.regclass::text, l.locktype), ', ')
          FROM pg_catalog.pg_locks l WHERE l.pid OPERATOR(pg_catalog.=) a.pid AND NOT l.granted),
       ci.phase
  FROM pg_catalog.pg_stat_activity a
  LEFT JOIN pg_catalog.pg_stat_progress_create_index ci ON ci.pid OPERATOR(pg_catalog.=) a.pid
 WHERE a.application_name LIKE 'metamigrate revision %' AND a.state OPERATOR(pg_catalog.=) 'active';
COMMENT ON VIEW metamigrate.progress
    IS 'Running migrations: provider, revision, step of steps, statement, attempt, since, what they wait for';
GRANT SELECT ON metamigrate.progress TO PUBLIC;
