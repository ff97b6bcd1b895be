-- Revert blog:posts from pg

BEGIN;

DROP TABLE blog.posts;

COMMIT;
