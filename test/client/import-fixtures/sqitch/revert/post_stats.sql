-- Revert blog:post_stats from pg

BEGIN;

DROP VIEW blog.post_stats;

COMMIT;
