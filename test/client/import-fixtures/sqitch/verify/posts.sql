-- Verify blog:posts on pg

BEGIN;

SELECT id, nickname, body, timestamp FROM blog.posts WHERE FALSE;

ROLLBACK;
