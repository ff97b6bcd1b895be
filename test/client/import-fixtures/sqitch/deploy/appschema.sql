-- Deploy blog:appschema to pg

BEGIN;

CREATE SCHEMA blog;

COMMIT;
