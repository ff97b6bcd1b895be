-- Revert blog:appschema from pg

BEGIN;

DROP SCHEMA blog;

COMMIT;
