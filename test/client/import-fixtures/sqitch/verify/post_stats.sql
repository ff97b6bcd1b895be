-- Verify blog:post_stats on pg

SELECT nickname, posts FROM blog.post_stats WHERE FALSE;
