-- Verify blog:users on pg

BEGIN;

SELECT nickname, password, timestamp
  FROM blog.users
 WHERE FALSE;

ROLLBACK;
