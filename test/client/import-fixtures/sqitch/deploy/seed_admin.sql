-- Deploy blog:seed_admin to pg
-- requires: users

BEGIN;

INSERT INTO blog.users (nickname, password) VALUES ('admin', 'not-a-real-password-hash');

COMMIT;
