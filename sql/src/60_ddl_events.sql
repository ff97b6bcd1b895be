
-- ------------------------------------------------------------------ out-of-band DDL
-- DDL that touches an active managed table outside a migration of its
-- provider, for `verify` to say who changed what.
CREATE TABLE metamigrate.ddl_event (
    id              bigserial PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    "session_user"  name NOT NULL DEFAULT SESSION_USER,
    executed_as     name NOT NULL,
    command_tag     text NOT NULL,
    object_type     text NOT NULL,
    object_identity text NOT NULL,
    provider        text NOT NULL,
    meta_table_uid  uuid NOT NULL,
    identifier      text NOT NULL
);
CREATE INDEX ddl_event_provider_idx ON metamigrate.ddl_event (provider, id);
REVOKE ALL ON metamigrate.ddl_event FROM PUBLIC;
REVOKE ALL ON SEQUENCE metamigrate.ddl_event_id_seq FROM PUBLIC;
GRANT SELECT ON metamigrate.ddl_event TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('metamigrate.ddl_event', '');
SELECT pg_catalog.pg_extension_config_dump('metamigrate.ddl_event_id_seq', '');

CREATE FUNCTION metamigrate.record_managed_ddl()
RETURNS event_trigger
LANGUAGE C
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'metamigrate_record_managed_ddl';

CREATE EVENT TRIGGER metamigrate_record_managed_ddl ON ddl_command_end
    EXECUTE FUNCTION metamigrate.record_managed_ddl();
