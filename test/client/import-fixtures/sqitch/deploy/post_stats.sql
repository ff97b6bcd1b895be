-- Deploy blog:post_stats to pg
-- requires: posts

BEGIN;

CREATE VIEW blog.post_stats AS
    SELECT nickname, count(*) AS posts
      FROM blog.posts
     GROUP BY nickname;

COMMIT;
