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

