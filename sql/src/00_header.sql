-- metamigrate 0.1.0: catalog and SQL API.
\echo Use "CREATE EXTENSION metamigrate" to load this file. \quit


-- CREATE EXTENSION reuses an existing schema named in the control file. A
-- schema someone else created beforehand would let its owner drop or
-- replace what this script puts there, and every caller would then run
-- that role's objects: refuse to install into it.
DO $$
BEGIN
    IF (SELECT n.nspowner FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) 'metamigrate')
       OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN
        RAISE EXCEPTION 'schema metamigrate already exists and is owned by role %',
            (SELECT n.nspowner::pg_catalog.regrole FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) 'metamigrate')
            USING ERRCODE = '42P06',
                  HINT = 'Drop that schema (or make sure it is yours) before CREATE EXTENSION metamigrate.';
    END IF;
END
$$;
