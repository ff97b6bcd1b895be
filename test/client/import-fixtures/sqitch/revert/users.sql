-- Revert blog:users from pg

BEGIN;

DROP TABLE blog.users;

COMMIT;
